import fc from "fast-check";
import { parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { decodeAttributeValue } from "../../src/html/attribute-value";
import { matchUrl, normalizePath, resolveUrl } from "../../src/match/url";
import { activatePolicy } from "../../src/policy/active";
import { SHIPPED } from "../helpers/gate";
import { HTML_ENTITY_NAMES } from "./html-entity-names";

/** What a browser makes of a raw, double-quoted attribute value: parse5 is the reference parser. */
function browserValue(raw: string): string {
  const fragment = parseFragment(`<a href="${raw}"></a>`) as unknown as {
    childNodes: Array<{ attrs: Array<{ name: string; value: string }> }>;
  };
  const value = fragment.childNodes[0]?.attrs[0]?.value;
  if (value === undefined) throw new Error(`parse5 did not read ${JSON.stringify(raw)}`);
  return value;
}

const BASE = new URL("https://kevyt.example/");
const { policy } = activatePolicy(SHIPPED);
const isAscii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);
const hasAscii = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x80);

describe("decodeAttributeValue", () => {
  it.each([
    ["no reference", "https://a.example/x?y=1", "https://a.example/x?y=1"],
    ["decimal", "&#116;", "t"],
    ["decimal without ';'", "&#116x", "tx"],
    ["hex", "&#x74;", "t"],
    ["upper-case hex marker", "&#X74;", "t"],
    ["hex without ';'", "&#x74/x", "t/x"],
    ["hex digits run on without ';'", "&#x74agmanager", "\u074Agmanager"],
    ["leading zeros (more than 10)", "&#00000000000116;", "t"],
    ["hex leading zeros (more than 8)", "&#x0000000000074;", "t"],
    ["astral code point", "&#x1D565;", "\u{1D565}"],
    ["NUL", "&#0;", "\uFFFD"],
    ["a surrogate", "&#xD800;", "\uFFFD"],
    ["the last surrogate", "&#57343;", "\uFFFD"],
    ["beyond U+10FFFF", "&#x110000;", "\uFFFD"],
    ["a huge number", `&#${"9".repeat(400)};`, "\uFFFD"],
    ["a huge hex number", `&#x${"f".repeat(40)};`, "\uFFFD"],
    ["the last code point", "&#x10FFFF;", "\u{10FFFF}"],
    ["windows-1252 0x80", "&#128;", "\u20AC"],
    ["windows-1252 0x99", "&#x99;", "\u2122"],
    ["unmapped C1 0x81", "&#x81;", "\u0081"],
    ["no digits", "&#;", "&#;"],
    ["no hex digits", "&#x;", "&#x;"],
    ["named", "&amp;&lt;&gt;&quot;&apos;", "&<>\"'"],
    ["named in URL syntax", "https&colon;&sol;&sol;a&period;example&quest;a&equals;1", "https://a.example?a=1"],
    ["legacy name without ';' before '/'", "&amp/x", "&/x"],
    ["legacy name without ';' at the end", "a&amp", "a&"],
    ["legacy name followed by '='", "?a=1&amp=2", "?a=1&amp=2"],
    ["legacy name followed by a letter", "?a=1&ampx=2", "?a=1&ampx=2"],
    ["legacy name followed by a digit", "&lt1", "&lt1"],
    ["a name that needs ';', without it", "&sol/x", "&sol/x"],
    ["names are case-sensitive", "&SOL;&Amp;&TAB;", "&SOL;&Amp;&TAB;"],
    ["&Tab; and &NewLine;", "a&Tab;b&NewLine;c", "a\tb\nc"],
    ["&hyphen; is U+2010, not '-': not URL-visible, left as written", "&hyphen;&dash;", "&hyphen;&dash;"],
    ["invisible operators a host drops", "&af;&it;&ic;&InvisibleTimes;", "\u2061\u2062\u2063\u2062"],
    ["a math letter a host maps to 't'", "&topf;&tfr;&tscr;", "\u{1D565}\u{1D531}\u{1D4C9}"],
    ["an ignorable character", "&shy;&ZeroWidthSpace;&NoBreak;", "\u00AD\u200B\u2060"],
    ["an unknown name", "&bogus;", "&bogus;"],
    ["a lone ampersand", "a & b", "a & b"],
    ["an ampersand at the end", "a&", "a&"],
    ["a double-encoded reference", "&amp;#116;", "&#116;"],
  ])("%s", (_, raw, decoded) => {
    expect(decodeAttributeValue(raw)).toBe(decoded);
  });

  it("every named reference a URL can see decodes as the browser decodes it", () => {
    // A reference outside decodeAttributeValue's table stays as written. That is safe only
    // when the browser's character is not ASCII and a host does not map it to ASCII, so it
    // cannot complete a vendor's host or path: check that for every name HTML has.
    const checked: string[] = [];
    for (const name of HTML_ENTITY_NAMES) {
      const ref = `&${name}`;
      const browser = browserValue(ref);
      let hostText: string | null = null;
      try {
        hostText = new URL(`https://a${browser}b.example/`).hostname;
      } catch {}
      const urlVisible = hasAscii(browser) || (hostText !== null && isAscii(hostText) && !hostText.includes("xn--"));
      if (urlVisible) {
        expect.soft(decodeAttributeValue(ref), ref).toBe(browser);
        checked.push(name);
      } else {
        expect.soft(decodeAttributeValue(ref), ref).toBe(ref);
      }
    }
    expect(HTML_ENTITY_NAMES).toHaveLength(2231);
    expect(checked.length).toBeGreaterThan(250);
  });

  it("a vendor URL written with any named reference in its host or path is still found", () => {
    const host = "www.googletagmanager.com";
    for (const name of HTML_ENTITY_NAMES) {
      for (const raw of [
        `https://www.google&${name}tagmanager.com/gtm.js`,
        `https://${host}/&${name}gtm.js`,
        `https:&${name}//${host}/gtm.js`,
      ]) {
        const browser = resolveUrl(browserValue(raw), BASE);
        if (!browser || browser.hostname !== host) continue;
        const ours = resolveUrl(decodeAttributeValue(raw), BASE);
        expect.soft(ours?.hostname, raw).toBe(host);
        expect
          .soft(ours && normalizePath(ours.pathname).startsWith("/gtm.js"), raw)
          .toBe(normalizePath(browser.pathname).startsWith("/gtm.js"));
      }
    }
  });

  it("the known bypasses: the decoded URL is a vendor's, as in the browser", () => {
    for (const raw of [
      "https://www.google&#00000000000116;agmanager.com/gtm.js",
      "https://www.google&#x000000074;agmanager.com/gtm.js",
      "https://www.google&topf;agmanager.com/gtm.js",
      "https://www.googletag&shy;manager.com/gtm.js",
      "https://www.googletag&it;manager.com/gtm.js",
      "https://www.google&Tab;tagmanager.com/gtm.js",
      "https&colon;//www&period;googletagmanager&period;com&sol;gtm&period;js",
    ]) {
      const browser = resolveUrl(browserValue(raw), BASE);
      expect(browser?.hostname, raw).toBe("www.googletagmanager.com");
      const ours = resolveUrl(decodeAttributeValue(raw), BASE);
      expect(ours && matchUrl(policy.urls, ours).map((i) => policy.vendors[i]?.id), raw).toEqual([
        "google-tag-manager",
      ]);
    }
  });

  /** Raw attribute text: pieces of references, names, digits and URL syntax. */
  const rawValue = fc
    .array(
      fc.oneof(
        fc.constantFrom("&", "#", "x", "X", ";", "=", "/", ".", ":", "a", "Z", " ", "0", "1", "7", "9", "f"),
        fc.constantFrom(...HTML_ENTITY_NAMES).map((n) => `&${n}`),
        fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#${n}`),
        fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#x${n.toString(16)};`),
        fc.string({ maxLength: 4 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(""))
    // The HTML preprocessor rewrites CR and NUL, and a '"' would end the test's attribute.
    .filter((s) => !/[\r\0"]/.test(s));

  it("whenever the browser's value is ASCII, ours is the same string", () => {
    fc.assert(
      fc.property(rawValue, (raw) => {
        const browser = browserValue(raw);
        if (isAscii(browser)) expect(decodeAttributeValue(raw)).toBe(browser);
      }),
      { numRuns: 3000 },
    );
  });

  it("numeric references always decode exactly as the browser decodes them", () => {
    const numericOnly = fc
      .array(
        fc.oneof(
          fc.constantFrom("&", "#", "x", ";", "a", "0", "9", "/"),
          fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#${n}`),
          fc.integer({ min: 0, max: 0x11ffff }).map((n) => `&#x${n.toString(16)}`),
          fc.nat({ max: 20 }).map((n) => `&#${"0".repeat(n)}116;`),
        ),
        { maxLength: 10 },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(numericOnly, (raw) => {
        expect(decodeAttributeValue(raw)).toBe(browserValue(raw));
      }),
      { numRuns: 2000 },
    );
  });
});
