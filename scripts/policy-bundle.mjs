#!/usr/bin/env node
// Bundles policies/*.yaml into .generated/policy-files.json, which the worker imports. It does
// not validate: the worker validates at isolate start and fails closed on a bad policy, and
// `npm run policy:check` reports every error. Run by `npm start`, `npm test` and wrangler's build.
// bundleTestPolicies does the same for the tests' own policies (test/fixtures/policies), into
// .generated/test-policy-files.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readPolicyFiles, TEST_POLICY_DIR } from "./lib/policy-files.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export function bundlePolicies(
  root = ROOT,
  { from = join(root, "policies"), out = join(root, ".generated", "policy-files.json") } = {},
) {
  const text = `${JSON.stringify(readPolicyFiles(root, from), null, 1)}\n`;
  mkdirSync(dirname(out), { recursive: true });
  let old = "";
  try {
    old = readFileSync(out, "utf8");
  } catch {}
  // Rewriting an unchanged file would restart `wrangler dev` for nothing.
  if (old !== text) writeFileSync(out, text);
  return out;
}

/**
 * The product's own test policies (test/fixtures/policies) as .generated/test-policy-files.json,
 * keyed like the shipped bundle, for the tests (test/helpers/gate.ts).
 */
export function bundleTestPolicies(root = ROOT) {
  return bundlePolicies(root, {
    from: join(root, TEST_POLICY_DIR),
    out: join(root, ".generated", "test-policy-files.json"),
  });
}

// The command bundles both where both exist: a checkout with its tests needs the tests' bundle
// to type-check (npm run check); a deploy copy without test/ does not.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bundlePolicies();
  if (existsSync(join(ROOT, TEST_POLICY_DIR))) bundleTestPolicies();
}
