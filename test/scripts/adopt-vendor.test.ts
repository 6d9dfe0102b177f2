/**
 * An adopter adds a vendor the way README and docs/POLICY.md "Adding a vendor" say, with no code
 * change: `npm run vendor:new hotjar`, replace each TODO from the vendor's documentation, then
 * `npm run policy:check`. The check passes and the site smoke suite passes on the new policy, and
 * no product test reads policies/, so `npm test` stays green.
 *
 * Hotjar's values: the tracking code (https://help.hotjar.com/hc/en-us/articles/115009336727) loads
 * https://static.hotjar.com/c/hotjar-<id>.js and talks to *.hotjar.com and *.hotjar.io; its
 * cookies (https://help.hotjar.com/hc/en-us/articles/115011789248) include _hjSessionUser_<id>
 * (365 days) and _hjSession_<id> (30 minutes).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeFailure, smokePolicies } from "../../scripts/lib/smoke";
import { ROOT, runScript } from "./helpers";

let root: string;
let vendorsBefore = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gk-adopt-"));
  cpSync(join(ROOT, "policies"), join(root, "policies"), { recursive: true });
  // The site may have adopted Hotjar already: this test adds its own.
  rmSync(join(root, "policies", "vendors", "hotjar.yaml"), { force: true });
  vendorsBefore = readdirSync(join(root, "policies", "vendors")).filter((f) => /\.ya?ml$/.test(f)).length;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What the operator types over the scaffold's TODOs and empty lists. */
const EDITS: Array<[string, string]> = [
  ['name: "hotjar"', "name: Hotjar"],
  ["purpose: TODO", "purpose: analytics"],
  ["docs: TODO", "docs: https://help.hotjar.com/hc/en-us/articles/115009336727"],
  ["privacyPolicy: TODO", "privacyPolicy: https://www.hotjar.com/legal/policies/privacy/"],
  ["hosts:\n  - TODO", 'hosts:\n  - "*.hotjar.com"\n  - "*.hotjar.io"'],
  ["inline: []", "inline:\n  - static.hotjar.com/c/hotjar-\n  - h._hjSettings="],
  [
    "cookies: []",
    [
      "cookies:",
      "  - name: _hjSessionUser_*",
      "    lifetime: P1Y",
      "    description:",
      "      fi: Tunnistaa kävijän Hotjarin käyttäjätunnuksella.",
      "      sv: Känner igen besökaren med ett Hotjar-användar-id.",
      "      en: Recognises the visitor by a Hotjar user id.",
      "  - name: _hjSession_*",
      "    lifetime: PT30M",
      "    description:",
      "      fi: Kokoaa saman käynnin sivulataukset yhteen.",
      "      sv: Samlar sidvisningarna under ett besök.",
      "      en: Groups one visit's page views.",
    ].join("\n"),
  ],
];

describe("adding a vendor by the README alone", () => {
  it("vendor:new, fill in the TODOs, policy:check passes", () => {
    // As the README says it, in the project's directory: `npm run vendor:new hotjar`, no flags.
    const made = runScript("scripts/vendor-new.ts", ["hotjar"], root);
    expect(made.stderr).toBe("");
    expect(made.status).toBe(0);
    const file = join(root, "policies", "vendors", "hotjar.yaml");
    const before = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(before.status).toBe(1); // the TODOs, each named
    expect(before.stderr).toContain("policies/vendors/hotjar.yaml");
    let text = readFileSync(file, "utf8");
    for (const [from, to] of EDITS) {
      expect(text).toContain(from);
      text = text.replace(from, to);
    }
    writeFileSync(file, text);
    const check = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(new RegExp(`^policy ok: .* ${vendorsBefore + 1} vendors`));
  });

  it("the site smoke suite passes with it, and exercises it", async () => {
    const { cases, failures } = await smokePolicies(join(root, "policies"));
    expect(failures.map(describeFailure)).toEqual([]);
    expect(cases.filter((c) => c.vendor === "hotjar").map((c) => c.rule)).toEqual([
      "host:*.hotjar.com",
      "host:*.hotjar.com",
      "host:*.hotjar.io",
      "host:*.hotjar.io",
      "inline:static.hotjar.com/c/hotjar-",
      "inline:h._hjSettings=",
    ]);
  }, 120_000);

  it("no product test reads policies/: they run on test/fixtures/policies", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.(ts|mjs)$/.test(name)) files.push(relative(ROOT, full));
      }
    };
    walk(join(ROOT, "test"));
    // The shipped bundle, or policies/ read from the project root.
    const readsShipped = (text: string) =>
      text.includes(".generated/policy-files.json") || /join\(ROOT, "policies"/.test(text);
    const site = ["test/site/smoke.node.test.ts", "test/scripts/adopt-vendor.test.ts"];
    const offenders = files.filter((f) => !site.includes(f) && readsShipped(readFileSync(join(ROOT, f), "utf8")));
    expect(offenders).toEqual([]);
    expect(files.length).toBeGreaterThan(50);
  });
});
