/**
 * From report-only to enforce with evidence: `npm run csp:report -- --propose` and
 * `npm run audit -- --propose` print a vendor file for the third-party hosts no vendor file
 * names, under the required purpose. Saved as it is, it passes `npm run policy:check`, and with it
 * the decision's CSP allows those hosts for every visitor, so the reported violations stop.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposeNecessaryVendor } from "../../scripts/lib/necessary-vendor";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../../scripts/lib/policy-files.mjs";
import { decide } from "../../src/consent/decide";
import { buildCsp } from "../../src/csp/header";
import { allowedSources } from "../../src/csp/sources";
import { matchUrl } from "../../src/match/url";
import { compilePolicy } from "../../src/policy/compile";
import { loadPolicy, type Policy } from "../../src/policy/load";
import { ROOT, runScript, TEST_POLICIES } from "./helpers";

const violation = (blocked: string, directive: string, disposition = "report", vendor = "unknown") =>
  JSON.stringify({
    gk: "csp-violation",
    blocked,
    directive,
    disposition,
    vendor,
    purpose: vendor === "unknown" ? "unclassified" : "marketing",
  });
const LOG = [
  violation("static.kevyt-cdn.example", "script-src-elem"),
  violation("static.kevyt-cdn.example", "img-src"),
  violation("fonts.kevyt-cdn.example", "font-src", "enforce"),
  violation("203.0.113.9", "connect-src"),
  violation("inline", "script-src-elem"),
  violation("connect.facebook.net", "script-src-elem", "report", "meta-pixel"),
].join("\n");
const PAGE =
  '<html><head><script src="https://static.kevyt-cdn.example/app.js"></script></head>' +
  '<body><img src="https://img.kevyt-cdn.example/a.png"><img src="https://img.kevyt-cdn.example/b.png">' +
  '<script src="https://connect.facebook.net/en_US/fbevents.js"></script></body></html>';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gk-propose-"));
  writeFileSync(join(dir, "tail.jsonl"), LOG);
  writeFileSync(join(dir, "page.html"), PAGE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Saves the proposal into a copy of the test policies and checks it as an operator would. */
function adopt(yaml: string): { root: string; check: ReturnType<typeof runScript>; policy: Policy } {
  const id = (parse(yaml) as { id: string }).id;
  const root = mkdtempSync(join(dir, "project-"));
  cpSync(TEST_POLICIES, join(root, "policies"), { recursive: true });
  mkdirSync(join(root, "policies", "vendors"), { recursive: true });
  writeFileSync(join(root, "policies", "vendors", `${id}.yaml`), yaml);
  const check = runScript("scripts/policy-check.ts", ["--dir", root]);
  const loaded = loadPolicy(readPolicyFiles(root));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return { root, check, policy: loaded.policy };
}

/** The CSP a visitor without consent gets under this policy. */
function cspWithoutConsent(policy: Policy): string {
  const compiled = compilePolicy(policy);
  const decision = decide(compiled, { host: "kevyt.example", headers: new Headers() }, 1_764_441_600);
  return buildCsp(allowedSources(compiled, decision));
}

describe("npm run csp:report -- --propose", () => {
  it("the summary points at --propose when there are unclassified hosts", () => {
    const run = runScript("scripts/csp-report.ts", [join(dir, "tail.jsonl")]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Unclassified third parties (add each to a vendor file in policies/vendors/):");
    expect(run.stdout).toContain("run again with --propose");
  });

  it("prints a vendor file that passes policy:check and allows exactly the reported hosts", () => {
    const run = runScript("scripts/csp-report.ts", ["--propose", "--policies", TEST_POLICIES, join(dir, "tail.jsonl")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const file = parse(run.stdout) as Record<string, unknown>;
    expect(file).toMatchObject({ id: "site-hosts", purpose: "necessary" });
    expect(file.hosts).toEqual(["fonts.kevyt-cdn.example", "static.kevyt-cdn.example"]);
    // The evidence rides along as comments; what a vendor file cannot hold is named, not dropped.
    expect(run.stdout).toContain("  # 2 violations: script-src-elem 1, img-src 1\n  - static.kevyt-cdn.example");
    expect(run.stdout).toContain("# Not proposed: 203.0.113.9");
    expect(run.stdout).not.toContain("facebook");

    const before = cspWithoutConsent(shipped());
    expect(before).not.toContain("kevyt-cdn.example");
    const { check, policy } = adopt(run.stdout);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    const after = cspWithoutConsent(policy);
    for (const host of ["https://static.kevyt-cdn.example", "https://fonts.kevyt-cdn.example"])
      expect(after).toContain(` ${host}`);
  });
});

describe("npm run audit -- --propose", () => {
  it("the table points at --propose when the page has unknown third parties", () => {
    const table = runScript("scripts/audit/cli.ts", [join(dir, "page.html"), "--policies", TEST_POLICIES]);
    expect(table.status).toBe(1);
    expect(table.stdout).toContain("run again with --propose");
  });

  it("prints a vendor file for the page's unknown hosts, and with it saved they are no longer unknown", () => {
    const run = runScript("scripts/audit/cli.ts", [join(dir, "page.html"), "--propose", "--policies", TEST_POLICIES]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const file = parse(run.stdout) as Record<string, unknown>;
    expect(file.hosts).toEqual(["img.kevyt-cdn.example", "static.kevyt-cdn.example"]);
    expect(run.stdout).toContain("  # 2 elements in the audited page: <img src> ×2\n  - img.kevyt-cdn.example");

    const { check, policy } = adopt(run.stdout);
    expect(check.status).toBe(0);
    const compiled = compilePolicy(policy);
    const necessary = compiled.vendors.find((v) => v.id === file.id)!;
    for (const url of ["https://static.kevyt-cdn.example/app.js", "https://img.kevyt-cdn.example/a.png"])
      expect(matchUrl(compiled.urls, new URL(url))).toEqual([necessary.index]);
  });
});

describe("proposeNecessaryVendor", () => {
  it("takes a free id and the site's https privacy policy as docs", () => {
    const policy = shipped();
    const taken = { ...policy, vendors: [...policy.vendors, { ...policy.vendors[0]!, id: "site-hosts" }] };
    const p = proposeNecessaryVendor(taken, [{ host: "cdn.kevyt.example", evidence: "1 violation" }], "a test");
    expect(p.id).toBe("site-hosts-2");
    expect(parse(p.yaml)).toMatchObject({ id: "site-hosts-2", docs: "https://kevyt.example/tietosuoja" });
  });

  it("with nothing to propose, still a valid file with no hosts", () => {
    const p = proposeNecessaryVendor(shipped(), [{ host: "localhost", evidence: "1 violation" }], "a test");
    expect(p.hosts).toEqual([]);
    expect(parse(p.yaml)).toMatchObject({ hosts: [] });
    expect(p.yaml).toContain("# Not proposed: localhost");
  });
});

/** The test policy (test/README.md), which these tests run on. */
function shipped(): Policy {
  const loaded = loadPolicy(readPolicyFiles(ROOT, TEST_POLICIES));
  if (!loaded.ok) throw new Error("the test policy does not validate");
  return loaded.policy;
}
