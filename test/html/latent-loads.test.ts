/**
 * Loads that real sites ship in shapes other than `src`: vendor URL families beyond the snippet's
 * own host (Meta's /tr on every facebook.com host, Google Ads on Google's country domains), and
 * removal no wider than the vendor's part. Each case runs through the real app in one chunk and
 * byte by byte, and the output is checked by the parse5 oracle (test/helpers/vendor-oracle.ts).
 */
import { describe, expect, it } from "vitest";
import { gatedPage } from "../helpers/checked-gate";
import { consentCookie, html, makeGate, shippedFiles } from "../helpers/gate";
import { withoutInjected } from "../helpers/injected";
import { expectPage } from "../helpers/streaming";
import { ALL_PURPOSES } from "./golden-cases";

const NONE: readonly string[] = [];
const ALL: readonly string[] = ALL_PURPOSES;

/** `input` becomes `refused` without consent and passes whole with every purpose allowed. */
async function expectGate(input: string, refused: string, refusedWith: readonly string[] = NONE) {
  expectPage(await gatedPage(input, refusedWith), refused);
  expectPage(await gatedPage(input, ALL), input);
}

describe("vendor URL families", () => {
  it.each([
    ["Meta Pixel on facebook.com", "https://facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"],
    ["Meta Pixel on web.facebook.com", "https://web.facebook.com/tr?id=123456789012345&ev=PageView"],
    ["Google Ads on a country domain", "https://www.google.fi/pagead/1p-user-list/123456789/?random=1"],
    ["Google Ads on a two-level country domain", "https://www.google.co.uk/pagead/1p-conversion/123456789/"],
    ["Google Ads conversion measurement", "https://www.google.com/measurement/conversion/?random=1&cv=11"],
    ["LinkedIn Insight on www.linkedin.com", "https://www.linkedin.com/px/li_sync?pid=1234567"],
  ])("%s is removed without marketing", async (_name, url) => {
    const tag = `<img height="1" width="1" style="display:none" alt="" src="${url.replace(/&/g, "&amp;")}">`;
    await expectGate(`<p>a</p>${tag}<p>b</p>`, "<p>a</p><p>b</p>", ["analytics", "functional", "social"]);
  });

  it("leaves facebook.com pages and Google's other paths on country domains alone", async () => {
    const input = `<a href="https://facebook.com/kevytpankki">fb</a><img src="https://www.google.fi/images/x.png" alt="">`;
    await expectGate(input, input);
  });
});

const GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123";
const NS = "https://www.googletagmanager.com/ns.html?id=GTM-DEMO123";
const GTAG = "https://www.googletagmanager.com/gtag/js?id=G-DEMO12345";
const FBEVENTS = "https://connect.facebook.net/en_US/fbevents.js";
const IG = "https://scontent-arn2-1.cdninstagram.com/v/t51.2885-15/demo.jpg";

describe("delayed and lazy-load attributes", () => {
  it.each([
    ["WP Rocket on GTM", `<script type="rocketlazyloadscript" data-rocket-src="${GTM}" async></script>`],
    ["WP Rocket on gtag.js", `<script type="rocketlazyloadscript" async data-rocket-src="${GTAG}"></script>`],
    ["WP Rocket on the Meta Pixel", `<script type="rocketlazyloadscript" data-rocket-src="${FBEVENTS}"></script>`],
    ["LiteSpeed", `<script type="litespeed/javascript" data-src="${FBEVENTS}"></script>`],
    ["GTM's iframe with data-lazy-src", `<iframe data-lazy-src="${NS}" height="0" width="0"></iframe>`],
    ["lazysizes iframe", `<iframe class="lazyload" data-src="${NS}"></iframe>`],
    ["lazysizes image", `<img class="lazyload" data-src="${IG}" alt="">`],
    [
      "a consent manager's blocked script",
      `<script type="text/plain" data-cookieconsent="marketing" data-src="${GTM}"></script>`,
    ],
    ["WP Rocket on a delayed iframe", `<iframe data-rocket-src="${NS}"></iframe>`],
    ["LiteSpeed on a delayed iframe", `<iframe data-litespeed-src="${NS}"></iframe>`],
  ])("%s is removed without consent", async (_name, tag) => {
    await expectGate(`<p>a</p>${tag}<p>b</p>`, "<p>a</p><p>b</p>");
  });

  it("a lazy srcset loses only the vendor's candidate; a lazy background only the attribute", async () => {
    const input = `<img class="lazyload" data-src="/a.jpg" data-srcset="/a.jpg 1x, ${IG} 2x" alt=""><div class="lazyload" data-bg="${IG}"><p>x</p></div>`;
    const refused = `<img class="lazyload" data-src="/a.jpg" data-srcset="/a.jpg 1x" alt=""><div class="lazyload"><p>x</p></div>`;
    await expectGate(input, refused);
  });

  it("a lazy attribute on an element that loads nothing itself loses the attribute, not the element", async () => {
    const input = `<div class="embed" data-src="${NS}"><p>Sisältö</p></div>`;
    await expectGate(input, `<div class="embed"><p>Sisältö</p></div>`);
  });

  it("keeps first-party lazy attributes", async () => {
    const input = `<img class="lazyload" data-src="/a.jpg" data-srcset="/a@2x.jpg 2x" alt=""><script type="rocketlazyloadscript" data-rocket-src="/wp-content/app.js"></script>`;
    await expectGate(input, input);
  });

  it("a site names more lazy attributes in its site file", async () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].urlAttributes = ["data-original", "data-hires-srcset"];
    const input = `<img class="lazy" data-original="${IG}" alt=""><div data-original="${IG}">x</div><div data-hires-srcset="/a.jpg 1x, ${IG} 2x">y</div>`;
    const { request } = makeGate(() => html(input), files);
    const refused = withoutInjected(await (await request("/")).text());
    expect(refused).toBe(`<div>x</div><div data-hires-srcset="/a.jpg 1x">y</div>`);
    const allowed = await request("/", {
      headers: { cookie: consentCookie(["functional", "analytics", "marketing", "social"]) },
    });
    expect(withoutInjected(await allowed.text())).toBe(input);
  });
});

describe("removal no wider than the vendor's part", () => {
  it("a first-party video loses only a vendor's poster", async () => {
    const input = `<video src="/media/a.mp4" poster="${IG}" controls><track src="/media/a.vtt"></video>`;
    await expectGate(input, `<video src="/media/a.mp4" controls><track src="/media/a.vtt"></video>`);
  });

  it("a first-party image loses only the vendor's srcset candidate", async () => {
    const input = `<img src="/a.png" srcset="/a@2x.png 2x, ${IG} 3x" alt="kuva">`;
    await expectGate(input, `<img src="/a.png" srcset="/a@2x.png 2x" alt="kuva">`);
  });

  it("a ping list loses only the vendor's URL", async () => {
    const input = `<a href="/x" ping="/api/ping https://www.facebook.com/tr?id=1">x</a>`;
    await expectGate(input, `<a href="/x" ping="/api/ping">x</a>`);
  });

  it("an element whose main resource is the vendor's goes whole", async () => {
    const input = `<video src="${IG}" poster="/p.jpg"><p>fallback</p></video>`;
    await expectGate(`<p>a</p>${input}`, "<p>a</p>");
  });

  it.each(["me", "alternate", "canonical", "author", "ME NoFollow", "license"])(
    "a <link rel=%s> to a vendor host fetches nothing and stays",
    async (rel) => {
      const input = `<link rel="${rel}" href="https://www.instagram.com/kevytpankki/"><link rel="${rel}" href="https://www.facebook.com/tr?id=1">`;
      await expectGate(input, input);
    },
  );

  it.each(["icon", "stylesheet", "alternate stylesheet", "search", "next", "preload"])(
    "a <link rel=%s> to a vendor still goes",
    async (rel) => {
      const input = `<link rel="${rel}" href="https://static.elfsight.com/a.css">`;
      await expectGate(`<p>a</p>${input}`, "<p>a</p>");
    },
  );
});

describe("declarative loads", () => {
  it.each([
    [
      "a refresh with url=",
      `<meta http-equiv="refresh" content="0; url=https://www.facebook.com/tr?id=1&amp;ev=PageView">`,
    ],
    ["a quoted URL", `<meta http-equiv="Refresh" content="5;URL='https://www.facebook.com/tr?id=1'">`],
    ["a bare URL", `<meta http-equiv="refresh" content="0, https://www.googletagmanager.com/ns.html?id=GTM-DEMO123">`],
  ])("%s to a vendor is removed", async (_name, meta) => {
    await expectGate(`<head>${meta}<title>x</title></head>`, "<head><title>x</title></head>");
  });

  it("keeps a plain reload and a refresh to the site's own page", async () => {
    const input = `<meta http-equiv="refresh" content="30"><meta http-equiv="refresh" content="0; url=/uusi-sivu">`;
    await expectGate(input, input);
  });

  it.each([
    ["set to", `<set attributeName="href" to="https://www.facebook.com/tr?id=1" begin="0s"/>`],
    [
      "animate values",
      `<animate attributeName="xlink:href" values="/a.png;https://www.facebook.com/tr?id=1" dur="1s"/>`,
    ],
    ["set with an end tag", `<set attributeName="href" to="https://static.elfsight.com/x.svg"></set>`],
  ])("an SVG %s aimed at a vendor loses the animation, not its element", async (_name, animation) => {
    const input = `<svg><image href="/a.png">${animation}</image><text>x</text></svg>`;
    await expectGate(input, `<svg><image href="/a.png"></image><text>x</text></svg>`);
  });

  it("keeps animations of other attributes and of first-party URLs", async () => {
    const input = `<svg><rect><animate attributeName="width" values="1;https://www.facebook.com/tr" dur="1s"/></rect><image href="/a.png"><set attributeName="href" to="/b.png"/></image></svg>`;
    await expectGate(input, input);
  });
});

describe("CSS in <style> and style=", () => {
  const ELF = "https://static.elfsight.com";
  it.each([
    ["@import", `<style>@import url("${ELF}/a.css");body{color:red}</style>`, "<style>body{color:red}</style>"],
    ["url()", `<style>.a{background:url(${IG})}.b{color:red}</style>`, "<style>.a{}.b{color:red}</style>"],
    [
      "@font-face",
      `<style>@font-face{font-family:x;src:url(${ELF}/f.woff2)}p{margin:0}</style>`,
      "<style>@font-face{font-family:x;}p{margin:0}</style>",
    ],
    ["style=", `<div style="background-image:url(${IG});color:red">x</div>`, `<div style="color:red">x</div>`],
    [
      "style= with a character reference",
      `<div style="background:url(${IG.replace("/v/", "&#x2F;v/")})">x</div>`,
      "<div>x</div>",
    ],
  ])("%s: only the vendor's rule or declaration goes", async (_name, input, refused) => {
    await expectGate(input, refused);
  });

  it("keeps first-party CSS byte for byte", async () => {
    const input = `<style>@import "/a.css";.a{background:url(/i.png)} /* ${IG} */</style><p style="background:url(/i.png);color:red">x</p>`;
    await expectGate(input, input);
  });

  it("drops a style sheet longer than the inline limit (fail closed)", async () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].limits = { inlineBytes: 1024 };
    const input = `<style>${".a{color:red}".repeat(100)}</style><p>x</p>`;
    const { request } = makeGate(() => html(input), files);
    expect(withoutInjected(await (await request("/")).text())).toBe("<style></style><p>x</p>");
  });
});
