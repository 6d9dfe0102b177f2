/**
 * Inline code judged by what it would load, through the real app: loaders that build or fetch a
 * vendor URL are emptied, first-party code that only mentions a vendor (in data strings, comments,
 * app state) is kept. Every case runs whole and byte by byte and is checked by the parse5 + acorn
 * oracle (test/helpers/vendor-oracle.ts).
 */
import { describe, it } from "vitest";
import { gatedPage } from "../helpers/checked-gate";
import { expectPage, PURPOSES } from "../helpers/streaming";

const NONE: readonly string[] = [];

/** The script's code is emptied with `refusedWith`, and kept whole with every purpose allowed. */
async function expectEmptied(code: string, refusedWith: readonly string[] = NONE, attrs = "") {
  const input = `<p>a</p><script${attrs}>${code}</script><p>b</p>`;
  expectPage(await gatedPage(input, refusedWith), `<p>a</p><script${attrs}></script><p>b</p>`);
  expectPage(await gatedPage(input, PURPOSES), input);
}

async function expectKept(code: string, attrs = "") {
  const input = `<p>a</p><script${attrs}>${code}</script><p>b</p>`;
  expectPage(await gatedPage(input, NONE), input);
}

describe("loaders that leaked through snippet text", () => {
  it.each([
    [
      "the classic _gaq loader with display features (dc.js)",
      `var _gaq = _gaq || [];
  _gaq.push(['_setAccount', 'UA-XXXXX-X']);
  _gaq.push(['_trackPageview']);
  (function() {
    var ga = document.createElement('script'); ga.type = 'text/javascript'; ga.async = true;
    ga.src = ('https:' == document.location.protocol ? 'https://' : 'http://') + 'stats.g.doubleclick.net/dc.js';
    var s = document.getElementsByTagName('script')[0]; s.parentNode.insertBefore(ga, s);
  })();`,
      ["analytics", "functional", "social"],
    ],
    [
      "new Image().src",
      `new Image().src = 'https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-1';`,
      ["marketing"],
    ],
    ["sendBeacon", `navigator.sendBeacon('https://region1.google-analytics.com/g/collect', body);`, ["functional"]],
    ["fetch", "fetch(`https://api-iam.intercom.io/messenger/web/ping`, { method: 'POST' });", ["analytics"]],
    ["WebSocket", `const ws = new WebSocket("wss://nexus-websocket-a.intercom.io/pubsub/5-abc");`, ["marketing"]],
    [
      "a template literal with a substitution",
      "const s = document.createElement('script'); s.src = `https://js.intercomcdn.com/frame-modern.$" + "{hash}.js`;",
      ["social"],
    ],
    ["a protocol-relative URL", `img.src = "//px.ads.linkedin.com/collect/?pid=1&fmt=gif";`, ["analytics"]],
    [
      "WordPress wp_localize_script JSON with escaped slashes",
      `var chatWidget = {"appId":"abc123","src":"https:\\/\\/widget.intercom.io\\/widget\\/abc123","nonce":"3f2a"};`,
      ["analytics", "marketing"],
    ],
    [
      "\\x2f and \\u002f escapes",
      `s.src = "https:\\x2f\\x2fconnect.facebook.net\\u002fen_US\\u002ffbevents.js";`,
      ["analytics"],
    ],
  ])("%s", async (_name, code, otherPurposes) => {
    await expectEmptied(code);
    await expectEmptied(code, otherPurposes);
  });

  it("a module's dynamic import()", async () => {
    await expectEmptied(
      `const { boot } = await import('https://js.intercomcdn.com/messenger.js'); boot();`,
      NONE,
      ` type="module"`,
    );
  });
});

describe("first-party code that only mentions a vendor", () => {
  it.each([
    [
      "Apollo state whose CMS strings quote an analytics snippet",
      `window.__APOLLO_STATE__ = {"Post:1":{"__typename":"Post","body":"<p>Add <code>gtag('config', 'G-XXXX')</code> and \\u003cscript async src=\\"https://www.googletagmanager.com/gtag/js?id=G-XXXX\\">\\u003c/script> to your page</p>"}};`,
    ],
    [
      "a menu script whose comment quotes a vendor snippet",
      `/* Do not add: s.src = "https://connect.facebook.net/en_US/fbevents.js"; fbq('init', '1') */
// window.intercomSettings = { app_id: "x" };
document.querySelector("#menu").addEventListener("click", () => document.body.classList.toggle("open"));`,
    ],
    [
      "a first-party dataLayer push of gtm.start that fires the site's own pixel",
      `window.dataLayer = window.dataLayer || []; dataLayer.push({'gtm.start': Date.now(), event: 'gtm.js'}); new Image().src = '/px?e=view';`,
    ],
    [
      "bare vendor host names in a list",
      `var hosts = ["widget.intercom.io", "static.elfsight.com", "connect.facebook.net"];`,
    ],
    [
      "Next.js flight data naming a vendor URL inside a data string",
      `(self.__next_f=self.__next_f||[]).push([1,"5:[\\"$\\",\\"script\\",null,{\\"src\\":\\"https://www.googletagmanager.com/gtm.js?id=GTM-1\\"}]\\n"])`,
    ],
    ["a relative path that looks like a vendor file", `loadScript("/static/fbevents.js.map-notes.txt");`],
  ])("%s", async (_name, code) => {
    await expectKept(code);
  });
});

describe("loader signatures judged at code level", () => {
  it.each([
    ["a signature in code", `fbq('init', '123456789012345'); fbq('track', 'PageView');`],
    ["a signature as an identifier", `window.intercomSettings = { app_id: "abc" };`],
    ["a module specifier", `import Intercom from "@intercom/messenger-js-sdk"; Intercom({ app_id: "x" });`],
    [
      "a first-party GTM path (server-side tagging)",
      `j.src = 'https://www.kevytpankki.example/metrics/gtm.js?id=' + i + dl;`,
    ],
  ])("%s", async (_name, code) => {
    await expectEmptied(code, NONE, _name.includes("module") ? ` type="module"` : "");
  });

  it("an SVG script's code, character references decoded", async () => {
    const input = `<svg><script>s.src = 'https:&#x2F;&#x2F;connect.facebook.net/en_US/fbevents.js'</script></svg>`;
    expectPage(await gatedPage(input, NONE), `<svg><script></script></svg>`);
  });
});

describe("code hidden in attributes", () => {
  const FBEVENTS_LOADER = `var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';document.head.appendChild(s);`;
  const base64 = (text: string) => btoa(text);

  it("removes a data: script whose decoded code loads a vendor, base64 or percent-encoded", async () => {
    for (const src of [
      `data:text/javascript;base64,${base64(FBEVENTS_LOADER)}`,
      `data:text/javascript,${encodeURIComponent(FBEVENTS_LOADER)}`,
      ` DATA:application/javascript;charset=utf-8;base64,${base64(FBEVENTS_LOADER)}`,
    ]) {
      const input = `<p>a</p><script src="${src}"></script><p>b</p>`;
      expectPage(await gatedPage(input, NONE), `<p>a</p><p>b</p>`);
      expectPage(await gatedPage(input, PURPOSES), input);
    }
  });

  it("keeps a data: script of first-party code", async () => {
    const input = `<script src="data:text/javascript;base64,${base64("document.documentElement.className='js';")}"></script>`;
    expectPage(await gatedPage(input, NONE), input);
  });

  it("removes a javascript: script or frame that runs a vendor loader, keeps javascript:void(0)", async () => {
    const input = `<iframe src="javascript:fbq('init','1')"></iframe><iframe src="javascript:void(0)" title="x"></iframe>`;
    expectPage(await gatedPage(input, NONE), `<iframe src="javascript:void(0)" title="x"></iframe>`);
  });

  it("removes only the event-handler attribute that loads a vendor", async () => {
    const input = [
      `<img src="/x.png" alt="" onerror="${FBEVENTS_LOADER}">`,
      `<button type="button" ONCLICK="Intercom('boot', {app_id: 'abc'})">Chat</button>`,
      `<body onload="navigator.sendBeacon('https://region1.google-analytics.com/g/collect')">`,
      `<link rel="preload" href="/a.css" as="style" onload="this.onload=null;this.rel='stylesheet'">`,
      `<a href="/x" onclick="/* fbq('init', '1') */ track('own')">x</a>`,
    ].join("\n");
    expectPage(
      await gatedPage(input, NONE),
      [
        `<img src="/x.png" alt="">`,
        `<button type="button">Chat</button>`,
        `<body>`,
        `<link rel="preload" href="/a.css" as="style" onload="this.onload=null;this.rel='stylesheet'">`,
        `<a href="/x" onclick="/* fbq('init', '1') */ track('own')">x</a>`,
      ].join("\n"),
    );
    expectPage(await gatedPage(input, PURPOSES), input);
  });

  it("decodes character references in a handler before judging it", async () => {
    const input = `<img src="/x.png" alt="" onload="new Image().src=&#39;https:&#x2F;&#x2F;www.google-analytics.com/collect&#39;">`;
    expectPage(await gatedPage(input, NONE), `<img src="/x.png" alt="">`);
  });
});
