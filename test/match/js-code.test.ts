import { parseExpressionAt } from "acorn";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cookEscapes, literalUrl, placeOf, scanScript } from "../../src/match/js-code";

const BASE = new URL("https://kevyt.example/");

describe("cookEscapes", () => {
  it.each([
    ["https:\\/\\/a.example\\/x", "https://a.example/x"],
    ["https:\\x2f\\x2fa.example", "https://a.example"],
    ["\\u002F\\u{2f}", "//"],
    ["a\\nb\\tc\\'d\\\\", "a\nb\tc'd\\"],
    ["line\\\ncontinued", "linecontinued"],
    ["bad \\xZZ and \\u12", "bad xZZ and u12"],
  ])("%j -> %j", (raw, cooked) => {
    expect(cookEscapes(raw)).toBe(cooked);
  });

  it("agrees with acorn, an ECMAScript parser, on string literals (property)", () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 4 }).map((s) => s.replace(/["\\\n\r\u2028\u2029]/g, "")),
      fc.constantFrom("\\/", "\\x2f", "\\u002f", "\\u{1F600}", "\\n", "\\'", '\\"', "\\\\", "\\t"),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const body = parts.join("");
        const literal = parseExpressionAt(`"${body}"`, 0, { ecmaVersion: "latest" }) as unknown as { value: string };
        expect(cookEscapes(body)).toBe(literal.value);
      }),
    );
  });
});

describe("literalUrl", () => {
  it.each([
    ["https://www.google-analytics.com/collect", "https://www.google-analytics.com/collect"],
    ["//px.ads.linkedin.com/collect", "https://px.ads.linkedin.com/collect"],
    ["wss://nexus.intercom.io/x", "https://nexus.intercom.io/x"],
    ["stats.g.doubleclick.net/dc.js", "https://stats.g.doubleclick.net/dc.js"],
    [".google-analytics.com/ga.js", "https://google-analytics.com/ga.js"],
    ["  https://a.example/  ", "https://a.example/"],
  ])("%j is %s", (content, url) => {
    expect(literalUrl(content, BASE)?.href).toBe(url);
  });

  it.each([
    "widget.intercom.io",
    "/assets/app.js",
    "Google Analytics",
    "<script src='https://a.example/x.js'></script>",
    '{"src":"https://a.example"}',
    "javascript:void(0)",
    "gtm.start",
  ])("%j is no URL", (content) => {
    expect(literalUrl(content, BASE)).toBeNull();
  });
});

describe("placeOf", () => {
  const text = `/* c */ fbq('init', "x"); import("@v/sdk"); const t = \`a\${b}c\`; // end`;
  const script = scanScript(text);
  const at = (needle: string) => {
    const start = text.indexOf(needle);
    return placeOf(script, start, start + needle.length);
  };

  it("tells comments, literals and code apart", () => {
    expect(at("c */").place).toBe("comment");
    expect(at("end").place).toBe("comment");
    expect(at("fbq('init'").place).toBe("code");
    expect(at("'init'")).toMatchObject({ place: "string", literal: { content: "init", specifier: false } });
    expect(at('"@v/sdk"')).toMatchObject({ place: "string", literal: { content: "@v/sdk", specifier: true } });
    expect(at("x")).toMatchObject({ place: "string", literal: { content: "x" } });
  });

  it("reads template parts as literals", () => {
    expect(script.literals.map((l) => l.content)).toEqual(["init", "x", "@v/sdk", "a", "c"]);
  });

  it("never throws and covers the text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(), fc.nat(), (s, a, b) => {
        const sc = scanScript(s);
        const start = Math.min(a, b) % (s.length + 1);
        const end = Math.max(a, b) % (s.length + 1);
        expect(["code", "comment", "string"]).toContain(placeOf(sc, start, Math.max(start, end)).place);
      }),
    );
  });
});
