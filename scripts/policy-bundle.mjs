#!/usr/bin/env node
// Bundles policies/*.yaml into .generated/policy-files.json, which the worker imports. It does
// not validate: the worker validates at isolate start and fails closed on a bad policy, and
// `npm run policy:check` reports every error. Run by `npm start`, `npm test` and wrangler's build.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readPolicyFiles } from "./lib/policy-files.mjs";

export function bundlePolicies(root = join(dirname(fileURLToPath(import.meta.url)), "..")) {
  const out = join(root, ".generated", "policy-files.json");
  const text = `${JSON.stringify(readPolicyFiles(root), null, 1)}\n`;
  mkdirSync(dirname(out), { recursive: true });
  let old = "";
  try {
    old = readFileSync(out, "utf8");
  } catch {}
  // Rewriting an unchanged file would restart `wrangler dev` for nothing.
  if (old !== text) writeFileSync(out, text);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) bundlePolicies();
