import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { filterLinkHeader, splitLinkValues } from "../../src/http/link-header";

describe("splitLinkValues", () => {
  it.each([
    // RFC 8288 §3.5 examples
    ['<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter"', 1],
    ['</>; rel="http://example.net/foo"', 1],
    ['</terms>; rel="copyright"; anchor="#foo"', 1],
    [
      "</TheBook/chapter2>; rel=\"previous\"; title*=UTF-8'de'letztes%20Kapitel, </TheBook/chapter4>; rel=\"next\"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel",
      2,
    ],
    ['<http://example.org/>; rel="start http://example.net/relation/other"', 1],
    ['<https://example.org/>; rel="start", <https://example.org/index>; rel="index"', 2],
  ])("%s -> %i values", (header, count) => {
    expect(splitLinkValues(header)).toHaveLength(count);
  });

  it.each([
    [
      "a comma inside <>",
      "<https://a.example/x,y>; rel=preload, <https://b.example/>",
      ["<https://a.example/x,y>; rel=preload", " <https://b.example/>"],
    ],
    [
      "a comma inside a quoted parameter",
      '<https://a/>; title="a, b", <https://b/>',
      ['<https://a/>; title="a, b"', " <https://b/>"],
    ],
    [
      "an escaped quote inside a quoted parameter",
      '<https://a/>; title="a\\", <x>", <https://b/>',
      ['<https://a/>; title="a\\", <x>"', " <https://b/>"],
    ],
    ["empty values between commas", "<https://a/>, , ,<https://b/>", ["<https://a/>", "<https://b/>"]],
    ["empty header", "", []],
  ])("%s", (_, header, values) => {
    expect(splitLinkValues(header)).toEqual(values);
  });
});

describe("filterLinkHeader", () => {
  const refused = (target: string) => target.includes("googletagmanager");

  it("drops refused values and keeps the others byte for byte", () => {
    const keep1 = '<https://kevyt.example/style.css>; rel="preload"; as="style"; title="a, b"';
    const keep2 = "</fonts/x.woff2>;rel=preload;as=font;crossorigin";
    const header = `${keep1}, <https://www.googletagmanager.com>; rel=preconnect,${keep2}`;
    expect(filterLinkHeader(header, refused)).toBe(`${keep1}, ${keep2}`);
  });

  it("passes the target inside <> to the check", () => {
    const seen: string[] = [];
    filterLinkHeader("< https://a/ >; rel=x, </b,c>; rel=y, <>; rel=z", (t) => {
      seen.push(t);
      return false;
    });
    expect(seen).toEqual([" https://a/ ", "/b,c", ""]);
  });

  it.each([
    ["no <target>", "https://www.googletagmanager.com; rel=preconnect"],
    ["parameters before the target", "rel=preconnect; <https://www.googletagmanager.com>"],
    ["a quoted target", '"https://www.googletagmanager.com"; rel=preconnect'],
  ])("drops a value with %s, and keeps the rest", (_, bad) => {
    expect(filterLinkHeader(`${bad}, </ok.css>; rel=preload`, () => false)).toBe("</ok.css>; rel=preload");
    expect(filterLinkHeader(bad, () => false)).toBeNull();
  });

  it("an unterminated < swallows the rest of the header: no target is read past it", () => {
    const header = "</ok.css>; rel=preload, <https://www.googletagmanager.com; rel=preconnect, </b.css>; rel=preload";
    const seen: string[] = [];
    const out = filterLinkHeader(header, (t) => {
      seen.push(t);
      return false;
    });
    // The second value's target runs to the next ">", as a browser reads it: one odd URL, not two.
    expect(seen).toEqual(["/ok.css", "https://www.googletagmanager.com; rel=preconnect, </b.css"]);
    expect(out).toBe(header);
    expect(filterLinkHeader("</ok.css>; rel=preload, <https://www.googletagmanager.com", () => false)).toBe(
      "</ok.css>; rel=preload",
    );
  });

  it("returns null when everything is refused", () => {
    expect(filterLinkHeader("<https://www.googletagmanager.com>; rel=preconnect", refused)).toBeNull();
  });

  it("a refused target never survives, whatever else is in the header", () => {
    const param = fc.stringMatching(/^[a-z]{1,6}(=("[^"\\]{0,8}"|[a-z0-9]{1,6}))?$/);
    const value = fc.record({
      target: fc.oneof(fc.constant("https://www.googletagmanager.com/gtm.js"), fc.webUrl(), fc.constant("/local")),
      params: fc.array(param, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (values) => {
        const header = values.map((v) => [`<${v.target}>`, ...v.params].join("; ")).join(", ");
        const out = filterLinkHeader(header, refused) ?? "";
        expect(out).not.toContain("googletagmanager");
        const kept = values.filter((v) => !refused(v.target)).map((v) => [`<${v.target}>`, ...v.params].join("; "));
        expect(out).toBe(kept.join(", "));
      }),
      { numRuns: 500 },
    );
  });
});
