/**
 * `npm run policy:check` is the runtime: every class of selector lol-html rejects fails the check
 * (parsed by lol-html in workerd, as the deployed worker parses it) with file:line, field path,
 * lol-html's reason and a fix; YAML errors point at the line where the problem starts; and the
 * audit reports such a policy instead of crashing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript, TEST_POLICIES } from "./helpers";

/** One of each class lol-html refuses (test/policy/bad-selectors.test.ts asks workerd the same). */
const BAD = [
  ["div::before", "Unsupported pseudo-class or pseudo-element"],
  ["a:hover", "Unsupported pseudo-class or pseudo-element"],
  ["#hj-widget >", "Dangling combinator"],
  ["> div", "The selector is empty"],
  ["   ", "The selector is empty"],
  ["div[", "Unexpected end of selector"],
  ["div..feed", "Invalid or unescaped class name"],
  ["svg|rect", "explicit namespaces"],
  ["div)", "Unexpected token"],
] as const;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gk-check-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the test policies with one file's text changed, as an operator's working tree. */
function project(file: string, edit: (text: string) => string): string {
  const root = mkdtempSync(join(dir, "project-"));
  cpSync(TEST_POLICIES, join(root, "policies"), { recursive: true });
  const path = join(root, "policies", file);
  writeFileSync(path, edit(readFileSync(path, "utf8")));
  return root;
}

const instagramSelectors = (text: string) =>
  text.replace(
    "  - blockquote.instagram-media\n",
    `  - blockquote.instagram-media\n${BAD.map(([s]) => `  - ${JSON.stringify(s)}\n`).join("")}`,
  );

describe("policy:check asks lol-html", () => {
  it("fails on every class of selector lol-html rejects, each with file:line, path, reason and fix", () => {
    const root = project("vendors/instagram.yaml", instagramSelectors);
    const lines = readFileSync(join(root, "policies/vendors/instagram.yaml"), "utf8").split("\n");
    const run = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`policy has ${BAD.length} errors:`);
    BAD.forEach(([selector, reason], i) => {
      const line = lines.indexOf(`  - ${JSON.stringify(selector)}`) + 1;
      expect(line).toBeGreaterThan(0);
      expect(run.stderr).toContain(
        `- policies/vendors/instagram.yaml:${line} at selectors[${i + 1}]\n    expected: a CSS selector lol-html supports\n    received: ${JSON.stringify(selector)} (lol-html: `,
      );
      expect(run.stderr).toContain(reason);
    });
    expect(run.stderr.match(/ {4}fix: .{30,}/g)?.length).toBe(BAD.length);
  });

  it("the audit reports such a policy as invalid (exit 2) instead of crashing", () => {
    const root = project("vendors/instagram.yaml", instagramSelectors);
    writeFileSync(
      join(root, "page.html"),
      '<html><body><blockquote class="instagram-media"></blockquote></body></html>',
    );
    const run = runScript("scripts/audit/cli.ts", [join(root, "page.html"), "--policies", join(root, "policies")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("The policy does not validate; fix it before auditing");
    expect(run.stderr).toContain("policies/vendors/instagram.yaml at selectors[1]");
    expect(run.stderr).not.toContain("audit failed");
  });
});

describe("policy:check names the line", () => {
  it("of a field with a bad value, and of an unknown key", () => {
    const root = project("vendors/google-analytics.yaml", (t) =>
      t
        .replace(/^purpose: analytics$/m, "purpose: analytics\ncolour: blue")
        .replace("lifetime: P2Y", "lifetime: 2 years"),
    );
    const lines = readFileSync(join(root, "policies/vendors/google-analytics.yaml"), "utf8").split("\n");
    const run = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(run.status).toBe(1);
    const lifetime = lines.findIndex((l) => l.trim() === "lifetime: 2 years") + 1;
    expect(lifetime).toBeGreaterThan(0);
    expect(run.stderr).toContain(`policies/vendors/google-analytics.yaml:${lifetime} at cookies[0].lifetime`);
    expect(run.stderr).toContain(
      `policies/vendors/google-analytics.yaml:${lines.indexOf("colour: blue") + 1} at colour`,
    );
  });

  it("of a quote that is never closed: where it opens, not the end of the file", () => {
    const root = project("vendors/instagram.yaml", (t) => t.replace("name: Instagram", 'name: "Instagram'));
    const lines = readFileSync(join(root, "policies/vendors/instagram.yaml"), "utf8").split("\n");
    const line = lines.indexOf('name: "Instagram') + 1;
    expect(line).toBeGreaterThan(0);
    expect(line).toBeLessThan(lines.length - 3);
    const run = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `- policies/vendors/instagram.yaml:${line}\n    expected: a YAML document\n    received: a file that does not parse: Missing closing "quote at line ${line}, column 7 (where it opens)`,
    );
  });

  it("of a list that is never closed: where the [ opens", () => {
    const root = project("vendors/instagram.yaml", (t) =>
      t.replace("hosts:\n  - www.instagram.com\n", "hosts: [www.instagram.com\n"),
    );
    const run = runScript("scripts/policy-check.ts", ["--dir", root]);
    const lines = readFileSync(join(root, "policies/vendors/instagram.yaml"), "utf8").split("\n");
    const line = lines.indexOf("hosts: [www.instagram.com") + 1;
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`- policies/vendors/instagram.yaml:${line}\n`);
    expect(run.stderr).toContain(`at line ${line}, column 8 (where it opens)`);
  });
});
