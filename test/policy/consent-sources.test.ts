/** consent.sources and records in a site file: the test ones, and what an operator reads when they are wrong. */
import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load";
import { shippedSite } from "../consent/sources/shipped";
import { shippedFiles } from "../helpers/gate";

const SITE = "policies/sites/default.yaml";
function diagnosticsAfter(edit: (site: Record<string, any>) => void) {
  const files = shippedFiles();
  edit(files[SITE]);
  const result = loadPolicy(files);
  return result.ok
    ? []
    : result.diagnostics.map((d) => ({ path: d.path, expected: d.expected, received: d.received, fix: d.fix }));
}

describe("the test site", () => {
  it("lists gatekeeper, cookiebot, onetrust, tcf, cookieconsent, in that order, with fail-closed options", () => {
    expect(shippedSite.consent.sources.map((s) => s.type)).toEqual([
      "gatekeeper",
      "cookiebot",
      "onetrust",
      "tcf",
      "cookieconsent",
    ]);
    expect(shippedSite.consent.sources[1]).toMatchObject({
      cookie: "CookieConsent",
      notRequired: "skip",
      implied: "skip",
    });
    expect(shippedSite.consent.sources[2]).toMatchObject({ cookie: "OptanonConsent", requireInteraction: true });
    expect(shippedSite.consent.sources[3]).toMatchObject({ cookie: "euconsent-v2", minPolicyVersion: 4 });
    expect(shippedSite.records.retentionDays).toBeGreaterThanOrEqual(shippedSite.consent.lifetimeDays);
  });

  it("fills the fail-closed defaults when an option is left out", () => {
    const files = shippedFiles();
    const sources = files[SITE].consent.sources;
    delete sources[1].notRequired;
    delete sources[1].implied;
    delete sources[2].requireInteraction;
    delete files[SITE].records;
    const result = loadPolicy(files);
    expect(result.ok).toBe(true);
    const site = result.ok ? result.policy.sites[0] : undefined;
    expect(site?.consent.sources[1]).toMatchObject({ notRequired: "skip", implied: "skip" });
    expect(site?.consent.sources[2]).toMatchObject({ requireInteraction: true });
    expect(site?.records).toEqual({ retentionDays: 1095 });
  });
});

describe("diagnostics", () => {
  it("an unknown source type names the supported ones", () => {
    expect(diagnosticsAfter((s) => s.consent.sources.push({ type: "usercentrics", map: {} }))).toEqual([
      {
        path: "consent.sources[5].type",
        expected: 'one of "gatekeeper", "cookiebot", "onetrust", "tcf", "cookieconsent"',
        received: '"usercentrics"',
        fix: 'set "consent.sources[5].type" to one of the supported types',
      },
    ]);
  });

  it("a purpose that does not exist, or is required, in a mapping", () => {
    const found = diagnosticsAfter((s) => {
      s.consent.sources[1].map.statistics = ["statistics"];
      s.consent.sources[4].map.necessary = ["necessary"];
    });
    expect(found.map((d) => [d.path, d.received])).toEqual([
      ["consent.sources[1].map.statistics", '"statistics"'],
      ["consent.sources[4].map.necessary", '"necessary"'],
    ]);
    expect(found[0]?.fix).toBe("use one of the optional purposes: functional, analytics, marketing, social");
  });

  it("a Cookiebot category Cookiebot does not have, an empty mapping, a TCF purpose out of range", () => {
    const found = diagnosticsAfter((s) => {
      s.consent.sources[1].map.analytics = ["stats"];
      s.consent.sources[2].map.social = [];
      s.consent.sources[3].map.analytics.purposes = [0];
    });
    expect(found.map((d) => d.path)).toEqual([
      "consent.sources[1].map.analytics[0]",
      "consent.sources[2].map.social",
      "consent.sources[3].map.analytics.purposes[0]",
    ]);
  });

  it("the gatekeeper must come first, each type once", () => {
    const found = diagnosticsAfter((s) => {
      const [gatekeeper, ...rest] = s.consent.sources;
      s.consent.sources = [...rest, gatekeeper, { ...rest[0] }];
    });
    expect(found.map((d) => d.path)).toEqual(["consent.sources[5].type", "consent.sources[0]"]);
    expect(found[1]?.fix).toContain("so that a choice or withdrawal made on the banner always takes effect");
  });

  it("fail-closed options only take their documented values", () => {
    const found = diagnosticsAfter((s) => {
      s.consent.sources[1].notRequired = "deny";
      s.consent.sources[2].requireInteraction = "yes";
    });
    expect(found.map((d) => [d.path, d.expected])).toEqual([
      ["consent.sources[1].notRequired", 'one of "skip", "allow"'],
      ["consent.sources[2].requireInteraction", "boolean"],
    ]);
  });

  it("records must outlive the consent they prove", () => {
    expect(diagnosticsAfter((s) => (s.records.retentionDays = 30))).toEqual([
      {
        path: "records.retentionDays",
        expected: "at least consent.lifetimeDays (365): proof must outlive the consent",
        received: "30",
        fix: "set records.retentionDays to 365 or more",
      },
    ]);
  });
});
