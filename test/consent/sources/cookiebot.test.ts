/** Cookiebot `CookieConsent` adapter, on the values in ./fixtures.ts (sources cited there). */
import { describe, expect, it } from "vitest";
import { parseCookiebotObject, readCookiebotSource } from "../../../src/consent/sources/cookiebot";
import { COOKIEBOT, cookiebotValue } from "./fixtures";
import { ALL_OPTIONAL, context, shippedSource } from "./shipped";

const shipped = shippedSource("cookiebot");
const read = (value: string, at: number, source = shipped) =>
  readCookiebotSource(source, context(`other=1; CookieConsent=${value}`, at));
const AT = COOKIEBOT.statisticsExplicit.at;

describe("Cookiebot CookieConsent under the test site's mapping", () => {
  it.each([
    ["0: necessary only (Cookiebot knowledge base)", COOKIEBOT.declined, AT, { state: "valid", purposes: [] }],
    [
      "statistics only, explicit (live)",
      COOKIEBOT.statisticsExplicit.value,
      AT,
      { state: "valid", purposes: ["analytics"] },
    ],
    [
      "reject all, explicit (live)",
      COOKIEBOT.rejectExplicit.value,
      COOKIEBOT.rejectExplicit.at,
      { state: "valid", purposes: [] },
    ],
    [
      "the decoded form, as some servers hand it over",
      decodeURIComponent(COOKIEBOT.statisticsExplicit.value),
      AT,
      { state: "valid", purposes: ["analytics"] },
    ],
    [
      "preferences and marketing (derived): functional, marketing and social",
      cookiebotValue({ preferences: true, statistics: false, marketing: true }, AT),
      AT,
      { state: "valid", purposes: ["functional", "marketing", "social"] },
    ],
  ])("%s", (_name, value, at, expected) => {
    expect(read(value, at)).toEqual(expected);
  });

  it("-1 (no consent required in the region) is not consent by default, and the next source decides", () => {
    expect(read(COOKIEBOT.notRequired, AT)).toMatchObject({ state: "unanswered" });
    expect(read(COOKIEBOT.notRequired, AT, { ...shipped, notRequired: "allow" })).toEqual({
      state: "valid",
      purposes: ALL_OPTIONAL,
    });
  });

  it("implied consent (no method: an old consent, per Cookiebot's API) is skipped unless the site accepts it", () => {
    expect(read(COOKIEBOT.sprtags.value, COOKIEBOT.sprtags.at)).toMatchObject({ state: "unanswered" });
    expect(read(COOKIEBOT.allNoMethod.value, COOKIEBOT.allNoMethod.at)).toMatchObject({ state: "unanswered" });
    const accepting = { ...shipped, implied: "accept" as const };
    expect(read(COOKIEBOT.sprtags.value, COOKIEBOT.sprtags.at, accepting)).toEqual({
      state: "valid",
      purposes: ["analytics"],
    });
    expect(read(COOKIEBOT.allNoMethod.value, COOKIEBOT.allNoMethod.at, accepting)).toEqual({
      state: "valid",
      purposes: ALL_OPTIONAL,
    });
    const implied = cookiebotValue({ preferences: true, statistics: true, marketing: true }, AT, "implied");
    expect(read(implied, AT)).toMatchObject({ state: "unanswered" });
  });

  it("is outdated when older than the site's consent lifetime, or over a day ahead", () => {
    const v = COOKIEBOT.statisticsExplicit;
    expect(read(v.value, v.at + 364 * 86400)).toMatchObject({ state: "valid" });
    expect(read(v.value, v.at + 366 * 86400)).toMatchObject({ state: "outdated" });
    expect(read(v.value, v.at - 3 * 86400)).toMatchObject({ state: "outdated" });
  });

  it.each([
    ["absent", "other=1", { state: "absent" }],
    [
      "duplicated",
      `CookieConsent=0; CookieConsent=${COOKIEBOT.statisticsExplicit.value}`,
      { state: "invalid", reason: "duplicate" },
    ],
    ["empty", "CookieConsent=", { state: "invalid", reason: "empty" }],
    ["JSON, not Cookiebot's literal, with a non-boolean", 'CookieConsent={"necessary":"yes"}', { state: "invalid" }],
    [
      "a category missing",
      `CookieConsent=${encodeURIComponent("{stamp:'a',necessary:true,statistics:true,marketing:true,method:'explicit'}")}`,
      { state: "invalid" },
    ],
    [
      "a category as a string",
      `CookieConsent=${encodeURIComponent("{necessary:true,preferences:'true',statistics:true,marketing:true,method:'explicit'}")}`,
      { state: "invalid" },
    ],
    [
      "a key twice",
      `CookieConsent=${encodeURIComponent("{necessary:true,preferences:false,statistics:false,marketing:false,statistics:true,method:'explicit'}")}`,
      { state: "invalid" },
    ],
    [
      "an unknown method",
      `CookieConsent=${encodeURIComponent("{necessary:true,preferences:true,statistics:true,marketing:true,method:'always'}")}`,
      { state: "invalid" },
    ],
    ["a broken escape", "CookieConsent=%7Bstamp%3A%27a%E0%A4%A", { state: "invalid" }],
    ["1 (not a Cookiebot value)", "CookieConsent=1", { state: "invalid" }],
  ])("%s: never trusted", (_name, header, expected) => {
    expect(readCookiebotSource(shipped, context(header, AT))).toMatchObject(expected);
  });
});

describe("parseCookiebotObject", () => {
  it("reads the literal as flat scalars", () => {
    expect(
      Object.fromEntries(parseCookiebotObject("{stamp:'a+b/c==',necessary:true,ver:1,utc:12,x:null,y:\"z\"}") ?? []),
    ).toEqual({
      stamp: "a+b/c==",
      necessary: true,
      ver: 1,
      utc: 12,
      x: null,
      y: "z",
    });
  });
  it.each(["", "{", "{}x", "{a:true,}", "{a:{b:true}}", "{a:[1]}", "{a:true b:false}", "{a:tru}", "{,a:true}"])(
    "refuses %j",
    (text) => {
      expect(parseCookiebotObject(text)).toBeNull();
    },
  );
});
