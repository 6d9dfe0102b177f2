/**
 * filterCss (src/html/css.ts): a refused vendor's @import rule or declaration goes, every other
 * byte of the CSS stays. Examples, and a property over random style sheets.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { filterCss } from "../../src/html/css";

const VENDOR = "https://static.elfsight.com";
const judge = (url: string) => (url.startsWith(VENDOR) || url.startsWith("//static.elfsight.com") ? ["elfsight"] : []);

describe("filterCss on a style sheet", () => {
  it.each([
    ["@import url()", `@import url("${VENDOR}/a.css");body{color:red}`, "body{color:red}"],
    ["@import string", `@import '${VENDOR}/a.css' screen;\n@import "/own.css";`, `\n@import "/own.css";`],
    ["@import unquoted url", `@import url(${VENDOR}/a.css) layer(x);p{}`, "p{}"],
    [
      "a url() declaration",
      `.a{color:red;background:url(${VENDOR}/i.png) no-repeat;margin:0}`,
      ".a{color:red;margin:0}",
    ],
    ["the last declaration, no semicolon", `.a{color:red;background-image:url("${VENDOR}/i.png")}`, ".a{color:red;}"],
    [
      "@font-face src",
      `@font-face{font-family:x;src:url(${VENDOR}/f.woff2) format("woff2"),url(/f.woff) format("woff")}p{margin:0}`,
      "@font-face{font-family:x;}p{margin:0}",
    ],
    ["image-set", `.b{background:image-set("${VENDOR}/a.png" 1x, "/b.png" 2x);color:blue}`, ".b{color:blue}"],
    [
      "inside @media and nesting",
      `@media (min-width:1px){.c{color:red;&:hover{background:url(${VENDOR}/h.png)}}}`,
      "@media (min-width:1px){.c{color:red;&:hover{}}}",
    ],
    ["escaped url function", `.d{background:u\\72l(${VENDOR}/e.png);top:0}`, ".d{top:0}"],
    ["protocol-relative", `.e{background:url(//static.elfsight.com/x.png)}`, ".e{}"],
  ])("%s", (_name, css, expected) => {
    const result = filterCss(css, judge);
    expect(result.css).toBe(expected);
    expect(result.refused.length).toBeGreaterThan(0);
  });

  it("leaves first-party URLs, strings that are not URLs, and bad url tokens alone", () => {
    const css = `@import "/own.css";.a{background:url(/i.png);content:"${VENDOR}/x.png"}.b{background:url(${VENDOR}/x y.png)}`;
    expect(filterCss(css, judge)).toEqual({ css, refused: [] });
  });
});

describe("filterCss on a style attribute", () => {
  it.each([
    [`background-image:url(${VENDOR}/i.png);color:red`, "color:red"],
    [`color:red; background: url('${VENDOR}/i.png') center`, "color:red; "],
    [`background:url(${VENDOR}/a.png)`, ""],
  ])("%s", (css, expected) => {
    expect(filterCss(css, judge, true).css).toBe(expected);
  });
});

describe("filterCss over random style sheets", () => {
  const own = fc.constantFrom(
    "body{color:red}",
    ".a{margin:0;padding:1px}",
    `@import "/own.css";`,
    ".b{background:url(/i.png) no-repeat}",
    "@media print{.c{display:none}}",
    "/* url(x) */",
    `.d{content:"a;b}c"}`,
  );
  const vendor = fc.constantFrom(
    `@import url("${VENDOR}/a.css");`,
    `.v{background:url(${VENDOR}/i.png)}`,
    `@font-face{font-family:v;src:url(${VENDOR}/f.woff2)}`,
  );
  it("removes only what names the vendor: every own piece stays whole and in order", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(own, vendor), { maxLength: 12 }), (pieces) => {
        const css = pieces.join("\n");
        const out = filterCss(css, judge).css;
        expect(out).not.toContain(VENDOR);
        let at = 0;
        for (const piece of pieces.filter((p) => !p.includes(VENDOR))) {
          const found = out.indexOf(piece, at);
          expect(found, `${piece} lost from ${out}`).toBeGreaterThanOrEqual(0);
          at = found + piece.length;
        }
      }),
      { numRuns: 300 },
    );
  });
});
