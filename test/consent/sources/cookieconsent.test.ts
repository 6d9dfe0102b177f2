/** orestbida/cookieconsent v3 `cc_cookie` adapter, on the values in ./fixtures.ts (sources cited there). */
import { describe, expect, it } from "vitest";
import { readCookieConsentSource } from "../../../src/consent/sources/cookieconsent";
import { CC, ccValue } from "./fixtures";
import { ALL_OPTIONAL, context, shippedSource } from "./shipped";

const shipped = shippedSource("cookieconsent");
const read = (value: string, at: number, source = shipped) =>
  readCookieConsentSource(source, context(`cc_cookie=${value}; other=1`, at));

describe("cookieconsent cc_cookie under the test site's mapping (functionality, analytics, marketing)", () => {
  it.each([
    ["live: necessary, analytics, marketing", CC.analyticsMarketing, ["analytics", "marketing", "social"]],
    ["live: necessary only", CC.necessaryOnly, []],
    [
      "live: necessary, functional, analytics, advertisement (a site's own names)",
      CC.functionalAnalyticsAds,
      ["analytics"],
    ],
    ["live: without services or expirationTime", CC.minimal, ["analytics"]],
    ["documented: a site's own names (Technical, Marketing)", CC.documented, []],
  ])("%s", (_name, fixture, purposes) => {
    expect(read(fixture.value, fixture.at)).toEqual({ state: "valid", purposes });
  });

  it("reads the JSON unencoded too", () => {
    const v = CC.analyticsMarketing;
    expect(read(decodeURIComponent(v.value), v.at)).toEqual({
      state: "valid",
      purposes: ["analytics", "marketing", "social"],
    });
  });

  it("a site mapping its own category names allows them", () => {
    const own = {
      ...shipped,
      map: { functional: ["functional"], analytics: ["analytics"], marketing: ["advertisement"] },
    };
    expect(read(CC.functionalAnalyticsAds.value, CC.functionalAnalyticsAds.at, own)).toEqual({
      state: "valid",
      purposes: ["analytics", "functional", "marketing"],
    });
  });

  it("every category granted (derived): every mapped purpose", () => {
    const at = CC.analyticsMarketing.at;
    expect(read(ccValue(["necessary", "functionality", "analytics", "marketing"], at), at)).toEqual({
      state: "valid",
      purposes: ALL_OPTIONAL,
    });
  });

  it("is outdated past expirationTime, past the consent lifetime, or of another revision", () => {
    expect(read(CC.necessaryOnly.value, CC.necessaryOnly.expires + 1)).toMatchObject({ state: "outdated" });
    expect(read(CC.analyticsMarketing.value, CC.analyticsMarketing.at + 366 * 86400)).toMatchObject({
      state: "outdated",
    });
    expect(read(CC.minimal.value, CC.minimal.at - 3 * 86400)).toMatchObject({ state: "outdated" });
    expect(read(CC.necessaryOnly.value, CC.necessaryOnly.at, { ...shipped, revision: 2 })).toMatchObject({
      state: "outdated",
    });
    expect(read(CC.necessaryOnly.value, CC.necessaryOnly.at, { ...shipped, revision: 1 })).toMatchObject({
      state: "valid",
    });
  });

  it.each([
    ["absent", "other=1", { state: "absent" }],
    [
      "duplicated",
      `cc_cookie=${CC.minimal.value}; cc_cookie=${CC.minimal.value}`,
      { state: "invalid", reason: "duplicate" },
    ],
    [
      "v2's level instead of categories",
      `cc_cookie=${encodeURIComponent('{"level":["necessary","analytics"],"revision":0}')}`,
      { state: "invalid" },
    ],
    ["categories not a list", `cc_cookie=${encodeURIComponent('{"categories":"analytics"}')}`, { state: "invalid" }],
    [
      "a category that is not a name",
      `cc_cookie=${encodeURIComponent('{"categories":["analytics",1]}')}`,
      { state: "invalid" },
    ],
    ["a list, not an object", `cc_cookie=${encodeURIComponent('["analytics"]')}`, { state: "invalid" }],
    ["truncated JSON", `cc_cookie=${CC.minimal.value.slice(0, 80)}`, { state: "invalid" }],
    ["a broken escape", "cc_cookie=%7B%22categories%22%3A%5B%E0%A4%A", { state: "invalid" }],
    [
      "a timestamp that is not a date",
      `cc_cookie=${encodeURIComponent('{"categories":["analytics"],"consentTimestamp":"soon"}')}`,
      { state: "invalid" },
    ],
    [
      "expirationTime not a number",
      `cc_cookie=${encodeURIComponent('{"categories":["analytics"],"expirationTime":"never"}')}`,
      { state: "invalid" },
    ],
  ])("%s: never trusted", (_name, header, expected) => {
    expect(readCookieConsentSource(shipped, context(header, CC.minimal.at))).toMatchObject(expected);
  });
});
