/** The `beacon:` block of a vendor file: the test one compiles, broken ones say what to fix. */
import { describe, expect, it } from "vitest";
import { activatePolicy } from "../../src/policy/active";
import { renderDiagnostics } from "../../src/policy/diagnostics";
import { loadPolicy } from "../../src/policy/load";
import { SHIPPED, shippedFiles } from "../helpers/gate";

const GA = "policies/vendors/google-analytics.yaml";

function diagnose(edit: (beacon: any) => void) {
  const files = shippedFiles();
  edit(files[GA].beacon);
  const result = loadPolicy(files);
  if (result.ok) throw new Error("expected diagnostics");
  return result.diagnostics;
}

describe("the test beacon policy", () => {
  it("compiles once into one beacon for google-analytics", () => {
    const { policy, diagnostics } = activatePolicy(SHIPPED);
    expect(diagnostics).toEqual([]);
    expect(policy.beacons.map((b) => [b.vendorId, b.base, b.collect.path, b.tag?.to])).toEqual([
      ["google-analytics", "/__gk/ga", "/__gk/ga/g/collect", "/__gk/ga/gtag/js"],
    ]);
    const b = policy.beacons[0]!;
    expect(policy.vendors[b.vendor]?.purpose).toBe("analytics");
    expect(b.collect.upstream).toBe("https://region1.google-analytics.com/g/collect");
    expect(b.maxBodyBytes).toBe(65536);
    expect(b.ip).toEqual({ truncate: false, param: "_uip" });
    expect(b.withoutConsent).toBe("drop");
    expect(b.rateLimitBinding).toBe("GA_BEACON_LIMITER");
  });

  it("defaults: 64 KB body cap, no address, drop without consent, 300 s tag cache", () => {
    const files = shippedFiles();
    const beacon = files[GA].beacon;
    for (const key of ["maxBodyBytes", "ip", "withoutConsent", "timeoutMs"]) delete beacon[key];
    delete beacon.tag.cacheSeconds;
    const b = activatePolicy(files).policy.beacons[0]!;
    expect([b.maxBodyBytes, b.ip.truncate, b.withoutConsent, b.tag?.cacheSeconds]).toEqual([65536, false, "drop", 300]);
  });
});

describe("broken beacon blocks", () => {
  it.each([
    [
      "tag outside the base",
      (b: any) => (b.tag.to = "/__gk/other/gtag/js"),
      "beacon.tag.to",
      "start tag.to with /__gk/ga/",
    ],
    [
      "collect outside the base",
      (b: any) => (b.collect.path = "/__gk/other/collect"),
      "beacon.collect.path",
      "start it with /__gk/ga/",
    ],
    [
      "an http upstream",
      (b: any) => (b.collect.upstream = "http://region1.google-analytics.com/g/collect"),
      "beacon.collect.upstream",
      'correct "beacon.collect.upstream"',
    ],
    [
      "an upstream with a query",
      (b: any) => (b.collect.upstream = "https://region1.google-analytics.com/g/collect?x=1"),
      "beacon.collect.upstream",
      "write it as https://host/path",
    ],
    [
      "an upstream with credentials",
      (b: any) => (b.tag.upstream = "https://u:p@www.googletagmanager.com/gtag/js"),
      "beacon.tag.upstream",
      "write it as https://host/path",
    ],
    [
      "an unanchored tag pattern",
      (b: any) => (b.tag.query.id = "G-[A-Z0-9]+"),
      "beacon.tag.query.id",
      'it is not anchored with ^ … $; write e.g. "^G-[A-Z0-9]{4,20}$"',
    ],
    [
      "a tag pattern that does not compile",
      (b: any) => (b.tag.query.id = "^[G-$"),
      "beacon.tag.query.id",
      'it is not a valid regular expression; write e.g. "^G-[A-Z0-9]{4,20}$"',
    ],
    [
      "a tag pattern that backtracks (nested repetition)",
      (b: any) => (b.tag.query.id = "^(G-[A-Z0-9]+)+$"),
      "beacon.tag.query.id",
      'groups are not allowed; write e.g. "^G-[A-Z0-9]{4,20}$"',
    ],
    [
      "a required parameter not in query",
      (b: any) => b.tag.required.push("xq"),
      "beacon.tag.required[1]",
      "add it to tag.query or remove it here",
    ],
    [
      "anonymous without rules",
      (b: any) => {
        b.withoutConsent = "anonymous";
        delete b.params.anonymous;
      },
      "beacon.params.anonymous",
      "add params.anonymous, or set withoutConsent: drop",
    ],
    [
      "an unknown detector",
      (b: any) => b.pii.detect.push("ssn"),
      "beacon.pii.detect[4]",
      'set "beacon.pii.detect[4]" to one of the allowed values',
    ],
    [
      "a parameter pattern with a wildcard inside",
      (b: any) => b.params.consented.remove.push("u*d"),
      "beacon.params.consented.remove[19]",
      'correct "beacon.params.consented.remove[19]"',
    ],
    [
      "an unknown key",
      (b: any) => (b.forward = ["x"]),
      "beacon.forward",
      "remove or rename forward; see docs/POLICY.md",
    ],
    [
      "a body cap over 1 MiB",
      (b: any) => (b.maxBodyBytes = 2_000_000),
      "beacon.maxBodyBytes",
      'change "beacon.maxBodyBytes" to fit: Too big: expected number to be <=1048576',
    ],
  ])("%s", (_name, edit, path, fix) => {
    const found = diagnose(edit).filter((d) => d.file === GA);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: GA, path, fix });
    expect(renderDiagnostics(found)).toContain(`- ${GA} at ${path}`);
  });

  it("a path outside /__gk/ is refused by the pattern and by the base check, both at the field", () => {
    const found = diagnose((b) => (b.collect.path = "/collect")).filter((d) => d.file === GA);
    expect(found.map((d) => d.path)).toEqual(["beacon.collect.path", "beacon.collect.path"]);
    expect(found.map((d) => d.fix)).toContain("start it with /__gk/ga/");
  });

  it("an invalid beacon block fails the whole policy closed: no endpoint, no re-pointing", () => {
    const files = shippedFiles();
    files[GA].beacon.tag.to = "/elsewhere";
    const active = activatePolicy(files);
    expect(active.diagnostics.length).toBeGreaterThan(0);
    expect(active.policy.failsafe).toBe(true);
    expect(active.policy.beacons).toEqual([]);
  });
});
