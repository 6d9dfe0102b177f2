/**
 * A throwaway copy of the project with one policy file edited, for a gatekeeper built with another
 * site setting (`csp.mode: enforce`, say) without touching the repo's policies/. Only what the
 * build reads is copied (src, the policy bundle script, policies, wrangler.toml); node_modules is
 * a link. spawnStack({ root }) builds and runs it like the suite's own stack.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./env";

const COPIED = [
  "src",
  "policies",
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

/** Copies the project and rewrites `policies/<file>` with `edit`. */
export function projectVariant(file: string, edit: (text: string) => string): ProjectVariant {
  const root = mkdtempSync(join(tmpdir(), "gk-browser-variant-"));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    for (const path of COPIED) cpSync(join(ROOT, path), join(root, path), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    const target = join(root, "policies", file);
    writeFileSync(target, edit(readFileSync(target, "utf8")));
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
    if (!pattern.test(text)) throw new Error("policies/sites/default.yaml has no top-level `csp: mode:` to set");
    return text.replace(pattern, `$1${mode}`);
  });
}
