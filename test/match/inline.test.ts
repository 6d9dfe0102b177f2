import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainInline, type InlinePattern, matchInline, normalizeInline } from "../../src/match/inline";
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

  it("finds every snippet of the test policy in any whitespace, case and quote variant", () => {
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

/** The definition the automaton must agree with: normalize the text, then search each snippet. */
function explainByDefinition(patterns: readonly InlinePattern[], text: string) {
  if (patterns.length === 0 || text.length === 0) return [];
  const normal = normalizeInline(text);
  const found: Array<{ vendor: number; snippet: string }> = [];
  for (const p of patterns)
    if (!found.some((f) => f.vendor === p.vendor) && normal.includes(p.normalized))
      found.push({ vendor: p.vendor, snippet: p.source ?? p.normalized });
  return found;
}

describe("explainInline (one automaton for all snippets)", () => {
  // Small alphabets make overlapping snippets and partial matches (the failure links) common;
  // the extra units are whitespace, quotes, upper case and non-ASCII that lower-cases or not
  // (İ grows to two units, Σ depends on context, a surrogate pair is two units).
  const unit = fc.constantFrom(
    "a",
    "b",
    "c",
    "A",
    "B",
    "'",
    '"',
    "`",
    " ",
    "\n",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "ä",
    "Ä",
    "İ",
    "Σ",
    "ς",
    "\u{1F600}",
    "\u0085",
  );
  const snippet = fc.array(unit, { maxLength: 5 }).map((units) => normalizeInline(units.join("")));
  const patterns = fc.array(fc.record({ normalized: snippet, vendor: fc.nat({ max: 3 }) }), { maxLength: 8 });
  const text = fc.array(unit, { maxLength: 40 }).map((units) => units.join(""));

  it("agrees with normalizing and searching, on small alphabets (seeded, replays from the printed seed)", () => {
    fc.assert(
      fc.property(patterns, text, (ps, t) => {
        expect(explainInline(ps, t)).toEqual(explainByDefinition(ps, t));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees on any strings and the test policy's snippets", () => {
    const { policy } = activatePolicy(SHIPPED);
    const shipped = fc.constantFrom(...policy.vendorFiles.flatMap((v) => v.inline));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: "binary" }), shipped), { maxLength: 6 }), (parts) => {
        const t = parts.join("");
        expect(explainInline(policy.inline, t)).toEqual(explainByDefinition(policy.inline, t));
      }),
      { numRuns: 1000 },
    );
  });

  it("reuses one automaton per pattern list, and a new list gets its own", () => {
    const a: InlinePattern[] = [{ normalized: "ab", vendor: 0 }];
    const b: InlinePattern[] = [{ normalized: "bc", vendor: 1 }];
    expect(explainInline(a, "xabx")).toEqual([{ vendor: 0, snippet: "ab" }]);
    expect(explainInline(b, "xabx")).toEqual([]);
    expect(explainInline(b, "xbcx")).toEqual([{ vendor: 1, snippet: "bc" }]);
  });
});
