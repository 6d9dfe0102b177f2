/**
 * A throwaway copy of the project that the browser suite builds its gatekeeper from: its policies/
 * are the tests' own (test/fixtures/policies, test/README.md), never the site's, optionally with
 * one file edited for a gatekeeper built with another site setting (`csp.mode: enforce`, say).
 * Only what the build reads is copied (src, the policy bundle script, wrangler.toml); node_modules
 * is a link. stack.ts builds the suite's own stack from one; spawnStack({ root }) another.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TEST_POLICY_DIR } from "./env";

const COPIED = [
  "src",
  "migrations",
  "scripts/policy-bundle.mjs",
  "scripts/lib",
  "wrangler.toml",
  "package.json",
  "tsconfig.json",
];

export interface ProjectVariant {
  root: string;
  remove: () => void;
}

/** Copies the project with the test policies, and rewrites `policies/<file>` with `edit` if given. */
export function projectVariant(file?: string, edit?: (text: string) => string): ProjectVariant {
  const root = mkdtempSync(join(tmpdir(), "gk-browser-variant-"));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    for (const path of COPIED) cpSync(join(ROOT, path), join(root, path), { recursive: true });
    cpSync(join(ROOT, TEST_POLICY_DIR), join(root, "policies"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    if (file && edit) {
      const target = join(root, "policies", file);
      writeFileSync(target, edit(readFileSync(target, "utf8")));
    }
    return { root, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** The default site file with `csp.mode` set. */
export function cspModeVariant(mode: "enforce" | "report-only" | "off"): ProjectVariant {
  return projectVariant("sites/default.yaml", (text) => {
    const pattern = /^(csp:\n\s+mode:[ \t]*)\S+/m;
    if (!pattern.test(text))
      throw new Error(`${TEST_POLICY_DIR}/sites/default.yaml has no top-level \`csp: mode:\` to set`);
    return text.replace(pattern, `$1${mode}`);
  });
}
