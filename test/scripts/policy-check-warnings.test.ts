/**
 * `npm run policy:check` warns, without failing, about vendor selectors that match a substring of
 * `class` or `id` and so can take the site's own elements (src/policy/selectors.ts).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScript, TEST_POLICIES } from "./helpers";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function projectWith(edit: (elfsight: string) => string): string {
  const root = mkdtempSync(join(tmpdir(), "gk-warn-"));
  dirs.push(root);
  cpSync(TEST_POLICIES, join(root, "policies"), { recursive: true });
  const file = join(root, "policies", "vendors", "elfsight.yaml");
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return root;
}

describe("policy:check warnings", () => {
  it("warns about a [class*=] selector, names file, path and fix, and still passes", () => {
    const root = projectWith((text) => `${text}selectors:\n  - '[class*="elfsight-app-"]'\n`);
    const run = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      "warning: policies/vendors/elfsight.yaml at selectors[0]: [class*=…] matches any class containing the text, the site's own too",
    );
    expect(run.stderr).toContain("fix: name the vendor's own class token in classTokens");
  });

  it("is quiet about the test policies' own selectors and class tokens", () => {
    const run = runScript("scripts/policy-check.ts", ["--dir", projectWith((text) => text)]);
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain("warning:");
  });
});
