/**
 * The `type` of a script decides first: only code is judged; data blocks stream through untouched
 * and unheld; import maps and speculation rules lose only the entries that point at a refused
 * vendor. Every case runs through the real app, whole and byte by byte, and is checked by the
 * parse5 oracle (which runs only executable scripts, as a browser does).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scriptKind } from "../../src/match/script-type";
import { gatedPage } from "../helpers/checked-gate";
import { chunkSizes, cut, expectPage, PURPOSES, runGate, utf8 } from "../helpers/streaming";

const NONE: readonly string[] = [];
const ALL: readonly string[] = PURPOSES;

const GTM_SNIPPET = `(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-DEMO123');`;

describe("scriptKind (HTML standard, prepare the script element)", () => {
  it.each([
    [null, null, "code"],
    ["", null, "code"],
    [null, "", "code"],
    [null, "JavaScript", "code"],
    [null, "vbscript", "data"],
    ["text/javascript", null, "code"],
    [" TEXT/JavaScript\n", null, "code"],
    ["application/x-javascript", null, "code"],
    ["text/javascript1.5", null, "code"],
    ["text/javascript; charset=utf-8", null, "data"],
    ["module", null, "code"],
    ["MODULE", null, "code"],
    ["text/partytown", null, "code"],
    ["text/plain", null, "code"],
    ["rocketlazyloadscript", null, "code"],
    ["litespeed/javascript", null, "code"],
    ["4e2f1a9c0b7d3e5f6a8b9c0d-text/javascript", null, "code"],
    ["importmap", null, "importmap"],
    [" SpeculationRules ", null, "speculationrules"],
    ["application/json", null, "data"],
    ["application/ld+json", null, "data"],
    ["text/template", null, "data"],
    ["text/x-handlebars-template", "javascript", "data"],
  ] as const)("type=%j language=%j is %s", (type, language, kind) => {
    expect(scriptKind(type, language)).toBe(kind);
  });
});

describe("data blocks", () => {
  it.each([
    `type="application/json" id="__NEXT_DATA__"`,
    `type="application/ld+json"`,
    `type="APPLICATION/JSON"`,
    `type=" application/json "`,
    `type="text/template"`,
    `type="text/x-magento-init"`,
    `type="text/javascript; charset=utf-8"`,
  ])("%s: passes whole though it holds vendor snippets and URLs", async (type) => {
    const json = `{"props":{"html":"<script>${GTM_SNIPPET.replace(/"/g, '\\"')}</script>","intercomSettings":{"app_id":"x"},"src":"https://connect.facebook.net/en_US/fbevents.js"}}`;
    const input = `<script ${type}>${json}</script><script>fbq('init', '1');</script>`;
    expectPage(await gatedPage(input, NONE), `<script ${type}>${json}</script><script></script>`);
  });

  it("a data block over the inline limit passes whole, and the next script is judged", async () => {
    const big = `{"items":[${Array.from({ length: 100_000 }, (_, i) => `"item-${i}"`).join(",")}]}`;
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const input = `<script type="application/json">${big}</script><script type="text/x-data">${big}</script><script>fbq('init', '1');</script>`;
    const out = await runGate(cut(utf8(input), [4096, 7, 65536]), { allow: NONE });
    expectPage(
      out.page,
      `<script type="application/json">${big}</script><script type="text/x-data">${big}</script><script></script>`,
    );
  });

  it("an empty data block does not make the next script data", async () => {
    const input = `<script type="text/x-data"></script><script>fbq('init', '1');</script>`;
    expectPage(await gatedPage(input, NONE), `<script type="text/x-data"></script><script></script>`);
  });

  it("no data block is ever changed (property)", async () => {
    const type = fc.constantFrom(
      "application/json",
      "application/ld+json",
      "Application/LD+JSON",
      "text/template",
      "text/x-template",
      "application/x-test",
    );
    const vendorText = fc.constantFrom(
      GTM_SNIPPET,
      "fbq('init', '123')",
      "window.intercomSettings = {}",
      '"https://widget.intercom.io/widget/abc"',
      "https:\\/\\/www.googletagmanager.com\\/gtag\\/js?id=G-1",
      "<script src='https://static.elfsight.com/platform/platform.js'></script>",
    );
    const body = fc.array(fc.oneof(vendorText, fc.string({ maxLength: 20 })), { maxLength: 6 }).map((parts) =>
      // Never its own end tag: `</script` ends a data block in the browser too.
      parts.join(" ").replace(/<\/script/gi, "<\\/script"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(type, body), { minLength: 1, maxLength: 4 }),
        fc.subarray([...PURPOSES]),
        chunkSizes,
        async (blocks, allow, sizes) => {
          const input = blocks.map(([t, b]) => `<p>x</p><script type="${t}">${b}</script>`).join("\n");
          const out = await runGate(cut(utf8(input), sizes), { allow });
          expectPage(out.page, input);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});

describe("deferred code types are judged as code", () => {
  it.each([
    `type="text/plain" data-cookieconsent="marketing"`,
    `type="text/plain" class="optanon-category-C0004"`,
    `type="rocketlazyloadscript"`,
    `type="litespeed/javascript"`,
    `type="text/partytown"`,
  ])("%s", async (type) => {
    const input = `<script ${type}>${GTM_SNIPPET}</script><script ${type}>window.site = {menu: true};</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `<script ${type}></script><script ${type}>window.site = {menu: true};</script>`,
    );
    expectPage(await gatedPage(input, ALL), input);
  });
});

describe("import maps", () => {
  const map = (imports: Record<string, string>) => JSON.stringify({ imports });

  it("drops the entries pointing at a refused vendor and keeps the page's own", async () => {
    const input = `<script type="importmap">${map({
      "app/": "/assets/app/",
      "@intercom/messenger-js-sdk": "https://esm.sh/@intercom/messenger-js-sdk@0.0.14",
      chat: "https://js.intercomcdn.com/frame-modern.js",
    })}</script><script type="module">import "app/menu.js";</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `<script type="importmap">${map({ "app/": "/assets/app/" })}</script><script type="module">import "app/menu.js";</script>`,
    );
    expectPage(await gatedPage(input, ["functional"]), input);
  });

  it("filters scopes too, and keeps a map without vendors byte for byte", async () => {
    const mine = `{ "imports": { "lit": "/vendor/lit.js" } }`;
    const scoped = JSON.stringify({
      scopes: { "/legacy/": { chat: "https://widget.intercom.io/widget/x", a: "/a.js" } },
    });
    const input = `<script type="importmap">${mine}</script><script type="importmap">${scoped}</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `<script type="importmap">${mine}</script><script type="importmap">${JSON.stringify({ scopes: { "/legacy/": { a: "/a.js" } } })}</script>`,
    );
  });

  it("empties an import map that does not parse (fail closed)", async () => {
    const input = `<script type="importmap">{ "imports": { "chat": "https://widget.intercom.io/widget/x", } }</script>`;
    expectPage(await gatedPage(input, NONE), `<script type="importmap"></script>`);
  });

  it("never lets rewritten JSON end the element early", async () => {
    const input = `<script type="importmap">{"imports":{"a<\\/script><script>x()<\\/script>":"/a.js","c":"https://widget.intercom.io/x"}}</script>`;
    const page = await gatedPage(input, NONE);
    expect(page).toBe(
      `<script type="importmap">{"imports":{"a\\u003c/script>\\u003cscript>x()\\u003c/script>":"/a.js"}}</script>`,
    );
    expect(JSON.parse(page.slice(page.indexOf(">") + 1, page.lastIndexOf("<")))).toEqual({
      imports: { "a</script><script>x()</script>": "/a.js" },
    });
  });
});

describe("speculation rules", () => {
  it("drops refused URLs from list rules, and a rule left empty", async () => {
    const rules = {
      prefetch: [
        { source: "list", urls: ["/pricing", "https://www.googletagmanager.com/ns.html?id=GTM-1"] },
        { source: "list", urls: ["https://widget.intercom.io/widget/x"] },
      ],
      prerender: [{ where: { href_matches: "/*" }, eagerness: "moderate" }],
    };
    const input = `<script type="speculationrules">${JSON.stringify(rules)}</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `<script type="speculationrules">${JSON.stringify({
        prefetch: [{ source: "list", urls: ["/pricing"] }],
        prerender: rules.prerender,
      })}</script>`,
    );
    expectPage(await gatedPage(input, ALL), input);
  });
});
