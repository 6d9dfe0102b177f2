import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type InlinePattern, matchInline, normalizeInline } from "../../src/html/inline-match";
import { activatePolicy } from "../../src/policy/active";
import { SHIPPED } from "../helpers/gate";

describe("normalizeInline", () => {
  it.each([
    ["gtag('config'", "gtag('config'"],
    ['gtag( "config"', "gtag('config'"],
    ["gtag(`config`", "gtag('config'"],
    ["GTAG ( 'Config'", "gtag('config'"],
    ["gtag(\n\t'config'", "gtag('config'"],
    ["gtag(\u00a0'config'", "gtag('config'"],
    ["a b\r\nc", "abc"],
    ["", ""],
  ])("%j -> %j", (text, normal) => {
    expect(normalizeInline(text)).toBe(normal);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(normalizeInline(normalizeInline(s))).toBe(normalizeInline(s));
      }),
      { numRuns: 500 },
    );
  });
});

describe("matchInline", () => {
  const patterns: InlinePattern[] = [
    { normalized: normalizeInline("gtag('config'"), vendor: 2 },
    { normalized: normalizeInline("'gtm.start'"), vendor: 3 },
    { normalized: normalizeInline("gtag('js'"), vendor: 2 },
    { normalized: normalizeInline("intercomSettings"), vendor: 5 },
  ];

  it.each([
    ["a snippet as written", "gtag('config', 'G-1')", [2]],
    ["other quotes and spacing", 'gtag ( "config" , "G-1" )', [2]],
    ["other case", "window.INTERCOMSETTINGS = {}", [5]],
    ["each vendor once, in pattern order", "gtag('js', new Date()); gtag('config', 'G-1'); gtag('config', 'G-2')", [2]],
    ["two vendors", "w[l].push({'gtm.start': 1}); window.intercomSettings = {}", [3, 5]],
    ["a snippet split by a newline", "gtag(\n'config'", [2]],
    ["first-party code", 'console.log("Google Analytics")', []],
    ["empty text", "", []],
  ])("%s", (_, text, vendors) => {
    expect(matchInline(patterns, text)).toEqual(vendors);
  });

  it("no patterns, no match", () => {
    expect(matchInline([], "gtag('config'")).toEqual([]);
  });

  it("finds every shipped snippet in any whitespace, case and quote variant", () => {
    const { policy } = activatePolicy(SHIPPED);
    const files = policy.vendorFiles;
    fc.assert(
      fc.property(
        fc.constantFrom(...files.flatMap((v, i) => v.inline.map((s) => [s, i] as const))),
        fc.string(),
        fc.string(),
        fc.infiniteStream(fc.constantFrom("", " ", "\n", "\t")),
        fc.infiniteStream(fc.constantFrom("'", '"', "`")),
        fc.boolean(),
        ([snippet, vendor], before, after, spaces, quotes, upper) => {
          let variant = [...snippet].map((c) => (c === "'" ? quotes.next().value : c) + spaces.next().value).join("");
          if (upper) variant = variant.toUpperCase();
          expect(matchInline(policy.inline, `${before}${variant}${after}`)).toContain(vendor);
        },
      ),
      { numRuns: 500 },
    );
  });
});
