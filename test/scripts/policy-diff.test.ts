/**
 * `npm run policy:diff`: two policy trees injected (the test policy and an edited copy), then the
 * CLI against a temporary git repository, as an operator runs it.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../../scripts/lib/policy-files.mjs";
import { diffPolicies, renderDiff } from "../../scripts/policy-diff";
import { ROOT, runScript, TEST_POLICIES } from "./helpers";

const SHIPPED = readPolicyFiles(ROOT, TEST_POLICIES) as Record<string, any>;
const copy = (): Record<string, any> => structuredClone(SHIPPED);
const HOTJAR = {
  id: "hotjar",
  name: "Hotjar",
  purpose: "analytics",
  docs: "https://help.hotjar.com/",
  hosts: ["*.hotjar.com"],
  inline: ["static.hotjar.com/c/hotjar-"],
  cookies: [{ name: "_hjSessionUser_*", lifetime: "P1Y" }],
};
const SITE = "policies/sites/default.yaml";
const PURPOSES = "policies/purposes.yaml";
const vendor = (files: Record<string, any>, id: string) => files[`policies/vendors/${id}.yaml`];
const text = (s: string) => ({ fi: s, sv: s, en: s });

describe("diffPolicies on injected trees", () => {
  it("says nothing changed for the same policy", () => {
    const diff = diffPolicies(SHIPPED, copy());
    expect(diff.changed).toBe(false);
    expect(diff.reasons).toEqual([]);
    expect(diff.reaskWithoutBump).toBe(false);
    expect(renderDiff(diff, "HEAD", "the working tree")).toBe(
      "Policy changes from HEAD to the working tree\n\nNo policy changes.\n",
    );
  });

  it("a vendor added to an existing purpose without a version bump: visitors must be asked again, loudly", () => {
    const after = copy();
    after["policies/vendors/hotjar.yaml"] = HOTJAR;
    const diff = diffPolicies(SHIPPED, after);
    expect(diff.reasons).toEqual(["vendor hotjar added to existing purpose analytics"]);
    expect(diff.reaskWithoutBump).toBe(true);
    expect(diff.afterInvalid).toBeUndefined();
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toMatchSnapshot();
    expect(out).toContain(
      "+ vendor hotjar (Hotjar) added to analytics: hosts *.hotjar.com; inline static.hotjar.com/c/hotjar-",
    );
    expect(out).toContain("+ cookie _hjSessionUser_* (P1Y) of hotjar (analytics)");
    expect(out).toContain("!!! site default still has version 1");
    expect(out).toContain("Set version: 2 in policies/sites/default.yaml");
  });

  it("the same with the version bumped: asked again, nothing loud", () => {
    const after = copy();
    after["policies/vendors/hotjar.yaml"] = HOTJAR;
    after[SITE] = { ...after[SITE], version: 2 };
    const diff = diffPolicies(SHIPPED, after);
    expect(diff.reasons).toHaveLength(1);
    expect(diff.reaskWithoutBump).toBe(false);
    expect(diff.versions).toEqual([{ site: "default", before: 1, after: 2, bumped: true }]);
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toContain("~ site default: version 1 → 2 (bumped: every visitor is asked again)");
    expect(out).toContain("site default: version 1 → 2, so they will be.");
    expect(out).not.toContain("!!!");
  });

  it("a vendor removed, and tag patterns changed: no need to ask again", () => {
    const after = copy();
    delete after["policies/vendors/meta-pixel.yaml"];
    const li = vendor(after, "linkedin-insight");
    li.hosts = li.hosts.filter((h: string) => h !== "dc.ads.linkedin.com").concat("snap.licdn.example");
    li.inline = [...li.inline, "lintrk('track'"];
    const diff = diffPolicies(SHIPPED, after);
    expect(diff.reasons).toEqual([]);
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toContain("- vendor meta-pixel (Meta Pixel) removed from marketing");
    expect(out).toContain("- cookie _fbp (P90D, domain parent) of meta-pixel (marketing)");
    expect(out).toContain(
      "~ vendor linkedin-insight (marketing): hosts added: snap.licdn.example; hosts removed: dc.ads.linkedin.com; inline added: lintrk('track'",
    );
    expect(out).toContain("Visitors need not be asked again");
  });

  it("widening an existing purpose: a new cookie, a vendor moved into it, a purpose made required", () => {
    const after = copy();
    vendor(after, "google-analytics").cookies.push({ name: "_gac_*", lifetime: "P90D", domain: "parent" });
    vendor(after, "meta-pixel").purpose = "analytics";
    after[PURPOSES].purposes.find((p: any) => p.id === "functional").required = true;
    const diff = diffPolicies(SHIPPED, after);
    expect(diff.reasons).toEqual([
      "purpose functional made required",
      "vendor google-analytics (analytics) declares a new cookie _gac_*",
      "vendor meta-pixel moved into purpose analytics",
    ]);
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toContain("~ purpose functional: now required (always on, cannot be refused)");
    expect(out).toContain("~ vendor meta-pixel (analytics): moved from marketing to analytics");
    expect(out).toContain("+ cookie _gac_* (P90D, domain parent) of google-analytics (analytics)");
  });

  it("purposes added, removed and reworded", () => {
    const after = copy();
    const purposes = after[PURPOSES].purposes;
    purposes.push({ id: "personalisation", name: text("Personalisation"), description: text("Tailored offers.") });
    purposes.find((p: any) => p.id === "social").description.en = "Elfsight shows our Instagram and TikTok posts.";
    const before = copy();
    before[PURPOSES].purposes.push({ id: "legacy", name: text("Legacy"), description: text("Old things.") });
    const diff = diffPolicies(before, after);
    expect(diff.reasons).toEqual(["purpose personalisation added"]);
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toContain('+ purpose personalisation "Personalisation" added');
    expect(out).toContain('- purpose legacy "Legacy" removed');
    expect(out).toContain("~ purpose social: description reworded (en): check whether it now covers more than before");
    expect(out).toContain("!!! site default still has version 1");
  });

  it("site settings: mode, consent lifetime, a lowered version", () => {
    const before = copy();
    before[SITE] = { ...before[SITE], version: 3 };
    const after = copy();
    after[SITE] = {
      ...after[SITE],
      version: 2,
      mode: "shadow",
      consent: { ...after[SITE].consent, lifetimeDays: 180 },
    };
    const out = renderDiff(diffPolicies(before, after), "main", "the working tree");
    expect(out).toContain("~ site default: version LOWERED 3 → 2");
    expect(out).toContain("~ site default: mode enforce → shadow (nothing is removed; what would be is logged)");
    expect(out).toContain("~ site default: consent.lifetimeDays: 365 → 180");
  });

  it("a file that no longer parses is reported invalid, not removed", () => {
    const after = copy();
    after["policies/vendors/intercom.yaml"] = { $parseError: "Map keys must be unique at line 3, column 1" };
    const diff = diffPolicies(SHIPPED, after);
    expect(diff.afterInvalid).toContain("policies/vendors/intercom.yaml");
    const out = renderDiff(diff, "main", "the working tree");
    expect(out).toContain("WARNING: the policy in the working tree does not validate");
    expect(out).not.toContain("- vendor intercom");
    expect(out).toContain("? intercom: does not parse in the new policy, not compared");
  });
});

describe("npm run policy:diff in a git repository", () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
      cwd: repo,
      encoding: "utf8",
    });
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "gk-policy-diff-"));
    cpSync(TEST_POLICIES, join(repo, "policies"), { recursive: true });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "shipped policy");
    git("tag", "v1");
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("reads the policy at a ref, compares it with the working tree, and --strict fails without a version bump", () => {
    unlinkSync(join(repo, "policies/vendors/linkedin-insight.yaml"));
    writeFileSync(
      join(repo, "policies/vendors/hotjar.yaml"),
      "id: hotjar\nname: Hotjar\npurpose: analytics\ndocs: https://help.hotjar.com/\nhosts: ['*.hotjar.com']\n",
    );
    const plain = runScript("scripts/policy-diff.ts", ["v1"], repo);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain("Policy changes from v1 to the working tree");
    expect(plain.stdout).toContain("+ vendor hotjar (Hotjar) added to analytics");
    expect(plain.stdout).toContain("- vendor linkedin-insight (LinkedIn Insight Tag) removed from marketing");
    const strict = runScript("scripts/policy-diff.ts", ["v1", "--strict"], repo);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("!!! site default still has version 1");

    const site = join(repo, "policies/sites/default.yaml");
    writeFileSync(site, readFileSync(site, "utf8").replace(/^version: 1$/m, "version: 2"));
    const bumped = runScript("scripts/policy-diff.ts", ["v1", "--strict", "--json"], repo);
    expect(bumped.status).toBe(0);
    const json = JSON.parse(bumped.stdout);
    expect(json).toMatchObject({ from: "v1", to: "the working tree", reaskWithoutBump: false });
    expect(json.versions).toEqual([{ site: "default", before: 1, after: 2, bumped: true }]);

    // Two revisions: the committed change against the tag.
    git("add", "-A");
    git("commit", "-qm", "hotjar");
    const refs = runScript("scripts/policy-diff.ts", ["v1", "HEAD"], repo);
    expect(refs.status).toBe(0);
    expect(refs.stdout).toContain("Policy changes from v1 to HEAD");
    expect(refs.stdout).toContain("+ vendor hotjar");
    expect(runScript("scripts/policy-diff.ts", [], repo).stdout).toContain("No policy changes.");
  });

  it("exits 2 on a ref that does not exist", () => {
    const run = runScript("scripts/policy-diff.ts", ["no-such-ref"], repo);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("no-such-ref is not a commit");
  });
});
