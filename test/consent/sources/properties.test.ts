/**
 * Properties: a malformed value of any source's format never widens consent. With the malformed
 * cookie added to any mix of the other sources' valid cookies (and Sec-GPC or not), decide()
 * allows exactly what it allows without it, and the same source decides: a value that fails to
 * parse is skipped, never trusted. Each generator builds values that are malformed by construction.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../../../src/consent/decide";
import { activatePolicy } from "../../../src/policy/active";
import { consentCookie, NOW, SHIPPED } from "../../helpers/gate";
import { SOURCES } from "./combos";
import { ccValue, cookiebotValue, oneTrustValue, TCF } from "./fixtures";
import { tcString } from "./tcf-strings";

const RUNS = 300;
const DAY = 86400;
const { policy } = activatePolicy(SHIPPED);
type Name = keyof typeof SOURCES;

function decideWith(cookies: string[], gpc: boolean) {
  const headers = new Headers();
  if (cookies.length) headers.set("cookie", cookies.join("; "));
  if (gpc) headers.set("sec-gpc", "1");
  return decide(policy, { host: "kevyt.example", headers }, NOW);
}

/** The other sources' valid cookies, in any order, and GPC or not. */
const others = (except: Name) =>
  fc.record({
    cookies: fc
      .subarray((Object.keys(SOURCES) as Name[]).filter((n) => n !== except))
      .chain((names) => fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length })),
    gpc: fc.boolean(),
  });

function neverWidens(name: Name, malformed: fc.Arbitrary<string>) {
  fc.assert(
    fc.property(others(name), malformed, fc.nat(), ({ cookies, gpc }, bad, at) => {
      const base = cookies.map((n) => SOURCES[n]);
      const without = decideWith(base, gpc);
      const position = at % (base.length + 1);
      const withBad = decideWith([...base.slice(0, position), bad, ...base.slice(position)], gpc);
      expect([...withBad.allowed].sort()).toEqual([...without.allowed].sort());
      expect(withBad.source).toBe(without.source);
    }),
    { numRuns: RUNS },
  );
}

/** Splices `insert` into `text` at a position chosen by `at`. */
const spliceAt = (text: string, at: number, insert: string, remove = 0) => {
  const i = at % (text.length + 1);
  return text.slice(0, i) + insert + text.slice(i + remove);
};

describe("Cookiebot CookieConsent", () => {
  const all = decodeURIComponent(cookiebotValue({ preferences: true, statistics: true, marketing: true }, NOW - DAY));
  const cookie = (literal: string) => `CookieConsent=${encodeURIComponent(literal)}`;
  const category = fc.constantFrom("preferences", "statistics", "marketing", "necessary");
  const notBoolean = fc.constantFrom("'true'", '"true"', "1", "True", "yes", "null", "0", "-1", "tru");
  it(`never widens (numRuns ${RUNS} per kind)`, () => {
    neverWidens(
      "cookiebot",
      fc.oneof(
        // No closing brace.
        fc.string({ unit: fc.constantFrom(..."abc:,'1{") }).map((tail) => cookie(`${all.slice(0, -1)}${tail}`)),
        // A category that is not a boolean.
        fc.tuple(category, notBoolean).map(([c, v]) => cookie(all.replace(`${c}:true`, `${c}:${v}`))),
        // A key twice.
        category.map((c) => cookie(all.replace("}", `,${c}:true}`))),
        // Nesting, junk between pairs, a trailing comma.
        fc
          .constantFrom("{a:{b:1}}", "{necessary:true;statistics:true}", `${all.slice(0, -1)},}`, "{}", "[]")
          .map(cookie),
        // An escape that can never be completed ("%%", "%G1"), anywhere in the browser's form.
        fc
          .tuple(fc.nat(), fc.constantFrom("%%", "%G1", "%ZZ", "%u0041"))
          .map(([at, bad]) => `CookieConsent=${spliceAt(encodeURIComponent(all), at, bad)}`),
        // Any other plain token ("0" and "-1" excluded: they are Cookiebot's).
        fc.stringMatching(/^[A-Za-z1-9][A-Za-z0-9]{0,20}$/).map((t) => `CookieConsent=${t}`),
        // Oversized, or two of them.
        fc.nat({ max: 2000 }).map((n) => cookie(all.replace("region:'fi'", `region:'${"x".repeat(4096 + n)}'`))),
        fc.constant(`${cookie(all)}; ${cookie(all)}`),
      ),
    );
  });
});

describe("OneTrust OptanonConsent", () => {
  const at = NOW - DAY;
  const closed = `OptanonAlertBoxClosed=${new Date(at * 1000).toISOString()}`;
  const all = oneTrustValue({ C0001: 1, C0002: 1, C0003: 1, C0004: 1, C0005: 1 }, at);
  const groups = "groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1%2CC0005%3A1";
  const withGroups = (g: string) => `OptanonConsent=${all.replace(groups, g)}; ${closed}`;
  it(`never widens (numRuns ${RUNS} per kind)`, () => {
    expect(all).toContain(groups);
    neverWidens(
      "onetrust",
      fc.oneof(
        // Groups that cannot match the grammar: junk after a leading comma.
        fc.string().map((junk) => withGroups(`groups=${encodeURIComponent(`,${junk}`)}`)),
        // A bit other than 0 or 1.
        fc
          .tuple(
            fc.constantFrom("C0002", "C0003", "C0004", "C0005"),
            fc.constantFrom("2", "true", "", "11", "yes", "1.0"),
          )
          .map(([g, bit]) => withGroups(groups.replace(`${g}%3A1`, `${g}%3A${encodeURIComponent(bit)}`))),
        // A group twice, two groups fields, or none.
        fc.constant(withGroups(`${groups}%2CC0004%3A0`)),
        fc.constant(withGroups(`${groups}&${groups}`)),
        fc.constant(withGroups("nogroups=1")),
        // AwaitingReconsent, interactionCount or the banner-closed date malformed.
        fc
          .string({ unit: fc.constantFrom(..."xyz01") })
          .filter((v) => v !== "true" && v !== "false")
          .map((v) => `OptanonConsent=${all.replace("AwaitingReconsent=false", `AwaitingReconsent=${v}`)}; ${closed}`),
        fc
          .stringMatching(/^[a-z-][a-z0-9-]{0,6}$/)
          .map((v) => `OptanonConsent=${all.replace("interactionCount=1", `interactionCount=${v}`)}; ${closed}`),
        fc.stringMatching(/^[a-z]{1,12}$/).map((v) => `OptanonConsent=${all}; OptanonAlertBoxClosed=${v}`),
        // Two of them.
        fc.constant(`OptanonConsent=${all}; ${closed}; OptanonConsent=${all}`),
      ),
    );
  });
});

describe("IAB TCF euconsent-v2", () => {
  const all = tcString({ purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], vendors: [755, 804], updated: NOW - DAY });
  const core = all.split(".")[0] as string;
  const liveCore = TCF.acceptAll.value.split(".")[0] as string;
  const cookie = (v: string) => `euconsent-v2=${v}`;
  it(`never widens (numRuns ${RUNS} per kind)`, () => {
    neverWidens(
      "tcf",
      fc.oneof(
        // A character outside base64url anywhere.
        fc
          .tuple(fc.nat(), fc.constantFrom("+", "/", "=", "!", "~", "%", "*"))
          .map(([at, c]) => cookie(spliceAt(all, at, c))),
        // Truncated inside the fixed fields of the core segment (213 bits: 36 characters).
        fc.integer({ min: 1, max: 35 }).map((n) => cookie(core.slice(0, n))),
        // A live string (1534 vendors) truncated anywhere in its core segment.
        fc.integer({ min: 36, max: liveCore.length - 1 }).map((n) => cookie(liveCore.slice(0, n))),
        // Not a version 2 core segment first.
        fc
          .constantFrom(..."ABDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
          .map((c) => cookie(c + all.slice(1))),
        // Empty or extra segments.
        fc.constantFrom(`${all}.`, `.${all}`, all.replace(".", ".."), `${all}.YAAA.YAAA.YAAA.YAAA`).map(cookie),
        // Two of them.
        fc.constant(`${cookie(all)}; ${cookie(all)}`),
      ),
    );
  });
});

describe("cookieconsent cc_cookie", () => {
  const json = decodeURIComponent(ccValue(["necessary", "functionality", "analytics", "marketing"], NOW - DAY));
  const cookie = (text: string) => `cc_cookie=${encodeURIComponent(text)}`;
  const withCategories = (value: unknown) => cookie(JSON.stringify({ ...JSON.parse(json), categories: value }));
  it(`never widens (numRuns ${RUNS} per kind)`, () => {
    neverWidens(
      "cookieconsent",
      fc.oneof(
        // Truncated JSON.
        fc.integer({ min: 1, max: json.length - 1 }).map((n) => cookie(json.slice(0, n))),
        // categories not a list of names.
        fc
          .oneof(fc.string(), fc.integer(), fc.constant(null), fc.dictionary(fc.string(), fc.boolean()))
          .map(withCategories),
        fc
          .tuple(
            fc.constantFrom<unknown>(1, null, true, "", "ana lytics", "x".repeat(65), ["analytics"]),
            fc.nat({ max: 3 }),
          )
          .map(([bad, i]) => {
            const list: unknown[] = ["functionality", "analytics", "marketing"];
            list.splice(i, 0, bad);
            return withCategories(list);
          }),
        // Not an object at the top.
        fc
          .oneof(fc.array(fc.string()), fc.string(), fc.integer(), fc.constant(null))
          .map((v) => cookie(JSON.stringify(v))),
        // A malformed escape, a timestamp or expiry that is not a time.
        fc
          .tuple(fc.nat(), fc.constantFrom("%%", "%G1", "%ZZ", "%u0041"))
          .map(([at, bad]) => `cc_cookie=${spliceAt(encodeURIComponent(json), at, bad)}`),
        fc.string().map((s) => cookie(JSON.stringify({ ...JSON.parse(json), lastConsentTimestamp: `x${s}` }))),
        fc
          .oneof(fc.string(), fc.constant(null))
          .map((s) => cookie(JSON.stringify({ ...JSON.parse(json), expirationTime: s }))),
        // Two of them.
        fc.constant(`${cookie(json)}; ${cookie(json)}`),
      ),
    );
  });
});

describe("the gatekeeper's own cookie", () => {
  const value = consentCookie(["analytics", "functional", "marketing", "social"]).slice("gk_consent=".length);
  it(`never widens, and never stops another source deciding (numRuns ${RUNS})`, () => {
    neverWidens(
      "gatekeeper",
      fc.oneof(
        fc
          .tuple(fc.nat(), fc.constantFrom("!", "~", "*", "+", "/", ".", ",", "%"))
          .map(([at, c]) => `gk_consent=${spliceAt(value, at, c, 1)}`)
          .filter((c) => !c.endsWith(value)),
        fc.integer({ min: 1, max: value.length - 23 }).map((n) => `gk_consent=${value.slice(0, n)}`),
        fc.constant(`gk_consent=${value}; gk_consent=${value}`),
        fc.constant(consentCookie(["analytics", "marketing"], 0)),
      ),
    );
  });
});
