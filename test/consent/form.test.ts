import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSameOriginPost, parseConsentForm, safeReturnPath } from "../../src/consent/form";
import { activatePolicy } from "../../src/policy/active";
import { SHIPPED, SITE } from "../helpers/gate";

const { purposes } = activatePolicy(SHIPPED).policy;
const ALL = ["analytics", "functional", "marketing", "necessary", "social"];
const parse = (fields: Array<[string, string]>) => parseConsentForm(fields, purposes, SITE);

describe("parseConsentForm", () => {
  it.each<[string, Array<[string, string]>, string[]]>([
    ["allow=all", [["allow", "all"]], ALL],
    ["allow=none", [["allow", "none"]], ["necessary"]],
    ["one purpose", [["allow", "analytics"]], ["analytics", "necessary"]],
    [
      "several purposes",
      [
        ["allow", "social"],
        ["allow", "functional"],
      ],
      ["functional", "necessary", "social"],
    ],
    [
      "a purpose twice",
      [
        ["allow", "social"],
        ["allow", "social"],
      ],
      ["necessary", "social"],
    ],
    ["necessary only", [["allow", "necessary"]], ["necessary"]],
    ["every purpose by name", ALL.map((p) => ["allow", p] as [string, string]), ALL],
    [
      "a well-formed purpose the policy no longer has",
      [
        ["allow", "analytics"],
        ["allow", "retargeting"],
      ],
      ["analytics", "necessary"],
    ],
    ["only unknown purposes", [["allow", "retargeting"]], ["necessary"]],
    [
      "other fields next to allow",
      [
        ["csrf", "x"],
        ["allow", "analytics"],
        ["lang", "fi"],
      ],
      ["analytics", "necessary"],
    ],
  ])("%s", (_, fields, chosen) => {
    expect(parse(fields)).toEqual({ ok: true, purposes: chosen, returnTo: "/" });
  });

  it.each<[string, Array<[string, string]>, string]>([
    ["no allow", [], 'missing "allow"'],
    ["only return", [["return", "/x"]], 'missing "allow"'],
    ["Allow in another case", [["Allow", "all"]], 'missing "allow"'],
    [
      "all with a purpose",
      [
        ["allow", "all"],
        ["allow", "analytics"],
      ],
      "stand alone",
    ],
    [
      "none with a purpose",
      [
        ["allow", "analytics"],
        ["allow", "none"],
      ],
      "stand alone",
    ],
    [
      "all and none",
      [
        ["allow", "all"],
        ["allow", "none"],
      ],
      "stand alone",
    ],
    [
      "all twice",
      [
        ["allow", "all"],
        ["allow", "all"],
      ],
      "stand alone",
    ],
    ["an upper-case purpose", [["allow", "Analytics"]], "not a purpose id"],
    ["a purpose with a dash", [["allow", "ana-lytics"]], "not a purpose id"],
    ["an empty purpose", [["allow", ""]], "not a purpose id"],
    ["a purpose with a space", [["allow", " analytics"]], "not a purpose id"],
    ["a purpose of 33 characters", [["allow", "a".repeat(33)]], "not a purpose id"],
    ["ALL in capitals", [["allow", "ALL"]], "not a purpose id"],
    [
      "two returns",
      [
        ["allow", "all"],
        ["return", "/a"],
        ["return", "/b"],
      ],
      'more than one "return"',
    ],
    ["65 fields", Array.from({ length: 65 }, () => ["allow", "analytics"] as [string, string]), "too many fields"],
  ])("rejects %s", (_, fields, error) => {
    const form = parse(fields);
    expect(form.ok).toBe(false);
    if (!form.ok) expect(form.error).toContain(error);
  });

  it("64 fields are still read", () => {
    expect(parse(Array.from({ length: 64 }, () => ["allow", "analytics"])).ok).toBe(true);
  });

  it("quotes a bad value in the error, cut to 40 characters", () => {
    const form = parse([["allow", `<script>${"x".repeat(100)}`]]);
    expect(form).toEqual({ ok: false, error: `"allow" value is not a purpose id: "<script>${"x".repeat(32)}"` });
  });

  it("passes return through safeReturnPath", () => {
    expect(
      parse([
        ["allow", "all"],
        ["return", "/hinnasto?x=1#a"],
      ]),
    ).toMatchObject({ returnTo: "/hinnasto?x=1#a" });
    expect(
      parse([
        ["allow", "all"],
        ["return", "//evil.example/"],
      ]),
    ).toMatchObject({ returnTo: "/" });
  });

  it("never grants more than the purposes named (or all), and always necessary", () => {
    const value = fc.oneof(
      fc.constantFrom(...ALL, "all", "none", "bogus", "Analytics", ""),
      fc.string({ maxLength: 8 }),
    );
    const field = fc.tuple(fc.constantFrom("allow", "return", "x"), value);
    fc.assert(
      fc.property(fc.array(field, { maxLength: 70 }), (fields) => {
        const form = parse(fields);
        if (!form.ok) return;
        const allow = fields.filter(([k]) => k === "allow").map(([, v]) => v);
        expect(form.purposes).toContain("necessary");
        expect(form.purposes).toEqual([...new Set(form.purposes)].sort());
        if (!allow.includes("all")) for (const p of form.purposes) expect(["necessary", ...allow]).toContain(p);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("safeReturnPath", () => {
  it.each([
    ["/", "/"],
    ["/hinnasto", "/hinnasto"],
    ["/a/b?x=1&y=2#frag", "/a/b?x=1&y=2#frag"],
    ["/a/../b", "/b"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/ä ö", "/%C3%A4%20%C3%B6"],
    ["/?next=https://evil.example", "/?next=https://evil.example"],
    ["/@evil.example", "/@evil.example"],
  ])("keeps %j as %j", (value, expected) => {
    expect(safeReturnPath(value, SITE)).toBe(expected);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["scheme-relative", "//evil.example"],
    ["scheme-relative with a path", "//evil.example/x"],
    ["backslash", "/\\evil.example"],
    ["two backslashes", "\\\\evil.example"],
    ["absolute", "https://evil.example/"],
    ["absolute, same site", `${SITE}/x`],
    ["javascript:", "javascript:alert(1)"],
    ["relative", "hinnasto"],
    ["CR LF header injection", "/x\r\nSet-Cookie: a=1"],
    ["LF", "/x\nLocation: //evil.example"],
    ["tab", "/\t/evil.example"],
    ["NUL", "/x\u0000"],
    ["DEL", "/x\u007f"],
    ["a dot segment making //", "/.//evil.example"],
    ["a dot-dot segment making //", "/a/..//evil.example"],
    ["an encoded dot segment making //", "/%2e//evil.example"],
    ["an encoded dot-dot segment making //", "/a/%2E%2E//evil.example/x"],
    ["too long", `/${"a".repeat(2048)}`],
  ])("turns %s into /", (_, value) => {
    expect(safeReturnPath(value, SITE)).toBe("/");
  });

  it("accepts 2048 characters", () => {
    const long = `/${"a".repeat(2047)}`;
    expect(safeReturnPath(long, SITE)).toBe(long);
  });

  it("property: always a same-origin path starting with one '/'", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "/",
        "//",
        "\\",
        ".",
        "..",
        "%2e",
        "%2E",
        "%2f",
        "%5c",
        "@",
        ":",
        "?",
        "#",
        "evil.example",
        "https:",
        " ",
        "\t",
      ),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: "binary", maxLength: 4 }),
    );
    const value = fc.array(piece, { maxLength: 10 }).map((p) => p.join(""));
    fc.assert(
      fc.property(
        fc.oneof(
          value,
          value.map((v) => `/${v}`),
        ),
        (v) => {
          const out = safeReturnPath(v, SITE);
          expect(out.startsWith("/")).toBe(true);
          expect(out.startsWith("//")).toBe(false);
          expect([...out].some((c) => c < " " || c === "\u007f" || c === "\\")).toBe(false);
          expect(new URL(out, SITE).origin).toBe(SITE);
          // As a Location header, resolved by the browser against the page that posted.
          expect(new URL(out, `${SITE}/some/page`).origin).toBe(SITE);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("isSameOriginPost", () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["same-origin, Origin matches", { "sec-fetch-site": "same-origin", origin: SITE }, true],
    ["Origin matches, no Sec-Fetch-Site", { origin: SITE }, true],
    ["Sec-Fetch-Site none (typed in), no Origin", { "sec-fetch-site": "none" }, true],
    ["no headers (a non-browser client)", {}, true],
    ["same-origin, no Origin", { "sec-fetch-site": "same-origin" }, true],
    ["cross-site", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }, false],
    ["cross-site with a forged matching Origin", { "sec-fetch-site": "cross-site", origin: SITE }, false],
    ["same-site (a sibling subdomain)", { "sec-fetch-site": "same-site", origin: "https://www.kevyt.example" }, false],
    ["an unknown Sec-Fetch-Site", { "sec-fetch-site": "SAME-ORIGIN", origin: SITE }, false],
    ["Origin of another site", { origin: "https://evil.example" }, false],
    ["Origin null (sandboxed or opaque)", { origin: "null" }, false],
    ["Origin over http", { origin: SITE.replace("https:", "http:") }, false],
    ["Origin with another port", { origin: `${SITE}:8443` }, false],
    ["Origin with a trailing slash", { origin: `${SITE}/` }, false],
    [
      "same-origin but Origin of another site",
      { "sec-fetch-site": "same-origin", origin: "https://evil.example" },
      false,
    ],
  ])("%s -> %s", (_, headers, allowed) => {
    expect(isSameOriginPost(new Headers(headers), SITE)).toBe(allowed);
  });
});
