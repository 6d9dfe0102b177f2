/**
 * The contract's Marks, one explicit case each: with a purpose
 * refused, no element that would make the browser contact that purpose's vendors reaches the
 * browser, and nothing else changes. Every case runs through the real app (makeGate) with the
 * body in one chunk and one byte at a time, and states the exact output, read without the
 * elements the gatekeeper injects (marked data-gatekeeper, as the contract allows).
 */
import { describe, expect, it } from "vitest";
import { gatedPage } from "../helpers/checked-gate";
import { expectPage, runGate, utf8 } from "../helpers/streaming";
import { ALL_PURPOSES } from "./golden-cases";

const NONE: readonly string[] = [];
const ALL: readonly string[] = ALL_PURPOSES;

/** `input` loses exactly `removed` (one occurrence) when refused, and passes whole when allowed. */
async function expectRemoved(input: string, removed: string, refusedWith: readonly string[], allowedWith = ALL) {
  expect(input).toContain(removed);
  expectPage(await gatedPage(input, refusedWith), input.replace(removed, ""));
  expectPage(await gatedPage(input, allowedWith), input);
}

const GTM = "https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123";
const FBEVENTS = "https://connect.facebook.net/en_US/fbevents.js";

describe("external scripts", () => {
  it.each([
    ["GTM container", GTM, ["analytics", "functional", "social"]],
    ["gtag.js for GA4", "https://www.googletagmanager.com/gtag/js?id=G-DEMO12345", ["marketing", "functional"]],
    ["gtag.js for Google Ads", "https://www.googletagmanager.com/gtag/js?id=AW-123456789", ["analytics"]],
    ["analytics.js", "https://www.google-analytics.com/analytics.js", ["marketing", "social"]],
    ["Meta Pixel", FBEVENTS, ["analytics", "functional"]],
    ["LinkedIn Insight", "https://snap.licdn.com/li.lms-analytics/insight.min.js", ["analytics"]],
    ["Intercom widget", "https://widget.intercom.io/widget/demoapp1", ["analytics", "marketing", "social"]],
    ["Elfsight platform", "https://static.elfsight.com/platform/platform.js", ["functional", "marketing"]],
    ["Elfsight CDN", "https://elfsightcdn.com/platform.js", ["analytics"]],
  ])("%s is removed unless its purpose is allowed", async (_name, url, otherPurposes) => {
    const tag = `<script async src="${url}"></script>`;
    const input = `<p>before</p>${tag}<p>after</p>`;
    await expectRemoved(input, tag, NONE);
    await expectRemoved(input, tag, otherPurposes as string[]);
  });

  it("keeps first-party scripts, relative or absolute", async () => {
    const input = `<script src="/assets/app.js" defer></script><script src="https://kevyt.example/a.js"></script>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("inline scripts", () => {
  const gtmSnippet = `<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-DEMO123');</script>`;

  it("empties a refused vendor snippet and keeps its script tags", async () => {
    const input = `<head>${gtmSnippet}</head>`;
    expectPage(await gatedPage(input, NONE), "<head><script></script></head>");
    expectPage(await gatedPage(input, ["analytics"]), "<head><script></script></head>");
    expectPage(await gatedPage(input, ["marketing"]), input);
  });

  it("recognises a snippet whatever its whitespace and quotes", async () => {
    const input = `<script>fbq( "init" , "123" );</script><script>window.intercomSettings={app_id:"x"}</script>`;
    expectPage(await gatedPage(input, NONE), "<script></script><script></script>");
    expectPage(await gatedPage(input, ["marketing"]), `<script>fbq( "init" , "123" );</script><script></script>`);
  });

  it("keeps first-party scripts that merely mention a vendor", async () => {
    const input = [
      `<script>console.log("first party mentions Google Analytics and www.googletagmanager.com");</script>`,
      `<script>if (typeof window.fbq === "function") window.fbq("track", "Lead");</script>`,
      `<script>var hosts = ["widget.intercom.io", "static.elfsight.com", "connect.facebook.net"];</script>`,
      `<script type="application/ld+json">{"@type":"Organization","sameAs":["https://www.instagram.com/kp/"]}</script>`,
    ].join("\n");
    expectPage(await gatedPage(input, NONE), input);
  });

  it("keeps vendor snippets shown as text in <pre>, <code>, <textarea> and comments", async () => {
    const input = [
      `<pre><code>&lt;script async src="${GTM}"&gt;&lt;/script&gt;\ngtag('config', 'G-XXXX');</code></pre>`,
      `<p>Call <code>fbq('init', '123')</code> after consent.</p>`,
      `<textarea><script src="${FBEVENTS}"></script></textarea>`,
      `<!-- <script src="${GTM}"></script> -->`,
    ].join("\n");
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("<noscript> iframes and pixels", () => {
  it("removes the GTM noscript iframe and leaves an empty noscript", async () => {
    const input = `<body><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-DEMO123"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript><p>x</p></body>`;
    expectPage(await gatedPage(input, NONE), "<body><noscript></noscript><p>x</p></body>");
    expectPage(await gatedPage(input, ["marketing"]), input);
  });

  it.each([
    ["Meta", "https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"],
    ["LinkedIn", "https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif"],
    ["Google Ads", "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/?guid=ON&script=0"],
  ])("removes the %s noscript pixel", async (_name, url) => {
    const img = `<img height="1" width="1" style="display:none" alt="" src="${url}" />`;
    const input = `<noscript>\n${img}\n</noscript>`;
    expectPage(await gatedPage(input, NONE), "<noscript>\n\n</noscript>");
    expectPage(await gatedPage(input, ["analytics", "functional", "social"]), "<noscript>\n\n</noscript>");
    expectPage(await gatedPage(input, ["marketing"]), input);
  });

  it("keeps first-party noscript content", async () => {
    const input = `<noscript><p>Enable JavaScript.</p><img src="/px.gif" alt=""></noscript>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("iframes", () => {
  it.each([
    ["GTM ns.html", "https://www.googletagmanager.com/ns.html?id=GTM-DEMO123", "marketing"],
    ["an Instagram embed", "https://www.instagram.com/p/C0deDemo/embed", "social"],
    ["the Intercom frame", "https://js.intercomcdn.com/frame-modern.html", "functional"],
  ])("removes %s with its content", async (_name, url, purpose) => {
    const frame = `<iframe src="${url}" width="400"><p>fallback</p></iframe>`;
    await expectRemoved(`<div>${frame}</div>`, frame, NONE, [purpose]);
  });

  it("keeps first-party iframes", async () => {
    const input = `<iframe src="/embed/calculator" title="laskuri"></iframe>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("resource hints", () => {
  it.each([
    ["preconnect", `<link rel="preconnect" href="https://www.googletagmanager.com">`],
    ["dns-prefetch", `<link rel="dns-prefetch" href="//connect.facebook.net">`],
    ["preload", `<link rel="preload" as="script" href="${GTM}">`],
    ["prefetch", `<link rel="prefetch" href="https://snap.licdn.com/li.lms-analytics/insight.min.js">`],
    ["modulepreload", `<link rel="modulepreload" href="https://static.elfsight.com/platform/platform.js">`],
    ["upper-case PRECONNECT", `<LINK REL=PRECONNECT HREF=https://widget.intercom.io>`],
  ])("removes a %s link to a vendor", async (_name, link) => {
    const input = `<head>\n<link rel="stylesheet" href="/site.css">${link}\n</head>`;
    expectPage(await gatedPage(input, NONE), input.replace(link, ""));
    expectPage(await gatedPage(input, ALL), input);
  });

  it("takes only the vendor's candidate out of a preload's imagesrcset", async () => {
    const input = `<link rel="preload" as="image" imagesrcset="/a.png 1x, https://scontent.cdninstagram.com/v/a.jpg 2x">`;
    expectPage(await gatedPage(input, NONE), `<link rel="preload" as="image" imagesrcset="/a.png 1x">`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("keeps first-party hints", async () => {
    const input = `<link rel="modulepreload" href="/app/index.js"><link rel="preload" as="font" href="/f.woff2" crossorigin>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("images", () => {
  it.each([
    ["second candidate", `/a.jpg 1x, https://scontent.cdninstagram.com/v/t51/a.jpg 2x`, "/a.jpg 1x"],
    ["no spaces after commas", `/a.jpg 1x,https://scontent.cdninstagram.com/v/t51/a.jpg 2x`, "/a.jpg 1x"],
    ["width descriptors", `https://scontent-arn2-1.cdninstagram.com/a.jpg 640w, /a-320.jpg 320w`, "/a-320.jpg 320w"],
  ])("keeps an img whose srcset has a vendor URL, without that candidate (%s)", async (_name, srcset, kept) => {
    const input = `<figure><img src="/a.jpg" srcset="${srcset}" alt=""></figure>`;
    expectPage(await gatedPage(input, NONE), `<figure><img src="/a.jpg" srcset="${kept}" alt=""></figure>`);
    expectPage(await gatedPage(input, ["social"]), input);
  });

  it("takes a picture source's vendor srcset and keeps the element and the first-party img", async () => {
    const input = `<picture><source type="image/webp" srcset="https://scontent.cdninstagram.com/v/a.webp"><img src="/a.jpg" srcset="/a@2x.jpg 2x" alt=""></picture>`;
    const refused = `<picture><source type="image/webp"><img src="/a.jpg" srcset="/a@2x.jpg 2x" alt=""></picture>`;
    expectPage(await gatedPage(input, ["marketing"]), refused);
    expectPage(await gatedPage(input, ["social"]), input);
  });
});

describe("Link response headers", () => {
  it("drops vendor link-values and keeps the rest", async () => {
    const link = `<https://www.googletagmanager.com>; rel=preconnect, </site.css>; rel=preload; as=style, <${FBEVENTS}>; rel=preload; as=script`;
    const refused = await runGate([utf8("<p>x</p>")], { allow: NONE, headers: { link } });
    expect(refused.headers.get("link")).toBe("</site.css>; rel=preload; as=style");
    const marketing = await runGate([utf8("<p>x</p>")], { allow: ["marketing"], headers: { link } });
    expect(marketing.headers.get("link")).toBe(
      `</site.css>; rel=preload; as=style, <${FBEVENTS}>; rel=preload; as=script`,
    );
    const all = await runGate([utf8("<p>x</p>")], { allow: ALL, headers: { link } });
    expect(all.headers.get("link")).toBe(link);
  });

  it("removes the header when every link-value is refused", async () => {
    const link = `<//connect.facebook.net>; rel=dns-prefetch`;
    const refused = await runGate([utf8("<p>x</p>")], { allow: NONE, headers: { link } });
    expect(refused.headers.get("link")).toBeNull();
  });
});

describe("script types", () => {
  it.each([
    `type="text/partytown"`,
    `type='TEXT/PARTYTOWN'`,
    `type=text/Partytown`,
    `type="module"`,
    `TYPE=MODULE`,
    `type = 'Module'`,
  ])("removes vendor scripts with %s, by src and inline", async (type) => {
    const external = `<script ${type} src="${GTM}"></script>`;
    const inline = `<script ${type}>fbq('init', '123456789012345');</script>`;
    const input = `${external}\n${inline}\n<script ${type}>import "/app/main.js";</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `\n<script ${type}></script>\n<script ${type}>import "/app/main.js";</script>`,
    );
    expectPage(await gatedPage(input, ALL), input);
  });

  it("removes an inline module that imports a vendor loader", async () => {
    const input = `<script type="module">import "${GTM}";</script>`;
    expectPage(await gatedPage(input, NONE), `<script type="module"></script>`);
  });
});

describe("attribute spelling", () => {
  it.each([
    ["upper-case names, unquoted", `<SCRIPT SRC=https://www.googletagmanager.com/gtm.js?id=GTM-1></SCRIPT>`],
    ["mixed-case names, single quotes", `<Script Async SrC='${FBEVENTS}'></Script>`],
    [
      "&#x2F; for slashes",
      `<script src="https:&#x2F;&#x2F;connect.facebook.net&#x2F;en_US&#x2F;fbevents.js"></script>`,
    ],
    ["&#47; and &sol;", `<script src="https:&#47;&sol;snap.licdn.com/li.lms-analytics/insight.min.js"></script>`],
    ["an encoded dot in the host", `<script src="https://www.googletagmanager&#x2E;com/gtm.js"></script>`],
    ["&period; in the host", `<script src="https://connect&period;facebook.net/en_US/fbevents.js"></script>`],
    ["an encoded host letter", `<iframe src="https://www.google&#x74;agmanager.com/ns.html?id=GTM-1"></iframe>`],
    ["percent-encoded path", `<script src="https://www.googletagmanager.com/gtm%2Ejs?id=GTM-1"></script>`],
    ["upper-case scheme and host", `<IMG SRC="HTTPS://PX.ADS.LINKEDIN.COM/collect/?pid=1&amp;fmt=gif">`],
  ])("removes a vendor element written with %s", async (_name, tag) => {
    await expectRemoved(`<div>${tag}</div>`, tag, NONE);
  });
});

describe("URL forms", () => {
  it.each([
    ["protocol-relative", `<script src="//connect.facebook.net/en_US/fbevents.js"></script>`],
    ["protocol-relative with backslashes", `<script src="\\\\connect.facebook.net\\en_US\\fbevents.js"></script>`],
    ["space-padded", `<script src="   https://www.googletagmanager.com/gtm.js?id=GTM-1   "></script>`],
    ["newline-padded", `<img src="\n\thttps://px.ads.linkedin.com/collect/?pid=1\n" alt="">`],
    ["a tab inside the host", `<script src="https://snap.li&#9;cdn.com/li.lms-analytics/insight.min.js"></script>`],
    ["a trailing dot on the host", `<script src="https://connect.facebook.net./en_US/fbevents.js"></script>`],
    ["http", `<iframe src="http://www.googletagmanager.com/ns.html?id=GTM-1"></iframe>`],
  ])("removes a %s vendor URL", async (_name, tag) => {
    await expectRemoved(`<p>a</p>${tag}<p>b</p>`, tag, NONE);
  });
});

describe("<base href>", () => {
  // A <base> on a vendor's host is itself removed (src/html/url-attributes.ts), so relative URLs after it
  // stay on the site's own host: nothing relative can reach the vendor, and the fast path that
  // skips relative URLs stays sound.
  it("removes a vendor base, so later relative scripts stay first-party", async () => {
    const input = `<head><base href="https://www.googletagmanager.com/"><script src="gtm.js?id=GTM-1"></script></head>`;
    expectPage(await gatedPage(input, NONE), `<head><script src="gtm.js?id=GTM-1"></script></head>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("removes a protocol-relative vendor base", async () => {
    const input = `<base href="//connect.facebook.net/"><script src="en_US/fbevents.js"></script><img src="/x.png"><img src="https://kevyt.example/y.png">`;
    expectPage(
      await gatedPage(input, NONE),
      `<script src="en_US/fbevents.js"></script><img src="/x.png"><img src="https://kevyt.example/y.png">`,
    );
  });

  it("uses only the first base", async () => {
    const input = `<base href="/blog/"><base href="https://www.googletagmanager.com/"><script src="gtm.js"></script>`;
    // Browsers ignore every <base> after the first, so the vendor one does nothing and stays.
    expectPage(await gatedPage(input, NONE), input);
  });

  it("leaves noscript content after a removed vendor base on the site's own host", async () => {
    const input = `<base href="https://www.googletagmanager.com/"><noscript><iframe src="ns.html?id=GTM-1"></iframe></noscript>`;
    expectPage(await gatedPage(input, NONE), `<noscript><iframe src="ns.html?id=GTM-1"></iframe></noscript>`);
  });

  it("leaves an iframe srcdoc after a removed vendor base on the site's own host", async () => {
    const input = `<base href="https://www.googletagmanager.com/"><iframe srcdoc="<script src=gtm.js?id=GTM-1></script>"></iframe>`;
    expectPage(await gatedPage(input, NONE), `<iframe srcdoc="<script src=gtm.js?id=GTM-1></script>"></iframe>`);
  });

  it("follows a base on another first-party or unknown host", async () => {
    const input = `<base href="https://cdn.kevyt.example/"><script src="https://www.googletagmanager.com/gtm.js"></script><script src="app.js"></script>`;
    expectPage(await gatedPage(input, NONE), `<base href="https://cdn.kevyt.example/"><script src="app.js"></script>`);
  });
});

describe("iframe srcdoc", () => {
  it("removes an iframe whose srcdoc loads a vendor script", async () => {
    const frame = `<iframe srcdoc="&lt;p&gt;hi&lt;/p&gt;&lt;script src=&quot;${FBEVENTS}&quot;&gt;&lt;/script&gt;"></iframe>`;
    await expectRemoved(`<div>${frame}</div>`, frame, NONE, ["marketing"]);
  });

  it("removes an iframe whose srcdoc holds an inline vendor snippet or a noscript pixel", async () => {
    const inline = `<iframe srcdoc="<script>fbq('init', '1')</script>"></iframe>`;
    const pixel = `<iframe srcdoc='<noscript><img src="https://www.facebook.com/tr?id=1"></noscript>'></iframe>`;
    expectPage(await gatedPage(`${inline}${pixel}<p>x</p>`, NONE), "<p>x</p>");
  });

  it("keeps a first-party srcdoc", async () => {
    const input = `<iframe srcdoc="&lt;p&gt;Hei&lt;/p&gt;&lt;script src=&quot;/app.js&quot;&gt;&lt;/script&gt;"></iframe>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("<a ping>", () => {
  it("drops a vendor ping and keeps the link", async () => {
    const input = `<a href="/hinnasto" ping="https://www.google-analytics.com/collect?v=1">Hinnasto</a>`;
    expectPage(await gatedPage(input, NONE), `<a href="/hinnasto">Hinnasto</a>`);
    expectPage(await gatedPage(input, ["analytics"]), input);
  });

  it("drops the vendor URL from a ping list and keeps the first-party ones", async () => {
    const input = `<map><area href="/a" ping="/track https://px.ads.linkedin.com/collect /api/ping"></map>`;
    expectPage(await gatedPage(input, NONE), `<map><area href="/a" ping="/track /api/ping"></map>`);
  });

  it("keeps first-party pings and plain links to vendor sites", async () => {
    const input = `<a href="/x" ping="/ping">x</a> <a href="https://www.instagram.com/kevytpankki/">Instagram</a> <a href="https://www.facebook.com/sharer/sharer.php?u=x">Jaa</a>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("Elfsight container", () => {
  const container = `<div class="elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f" data-elfsight-app-lazy></div>`;
  const input = `<aside><h3>Instagram</h3>\n${container}\n</aside>`;

  it("is removed when social is refused", async () => {
    expectPage(await gatedPage(input, NONE), `<aside><h3>Instagram</h3>\n\n</aside>`);
    expectPage(
      await gatedPage(input, ["functional", "analytics", "marketing"]),
      `<aside><h3>Instagram</h3>\n\n</aside>`,
    );
  });

  it("is kept when social is allowed", async () => {
    expectPage(await gatedPage(input, ["social"]), input);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("is matched among other classes", async () => {
    const other = `<section class="feed elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f wide"><p>posts</p></section>`;
    expectPage(await gatedPage(`<main>${other}</main>`, NONE), "<main></main>");
  });
});

describe("SVG", () => {
  it("removes an SVG script loading a vendor via href or xlink:href", async () => {
    const a = `<script href="${GTM}"></script>`;
    const b = `<script xlink:href="${FBEVENTS}"/>`;
    const input = `<svg>${a}${b}<circle r="1"/></svg>`;
    expectPage(await gatedPage(input, NONE), `<svg><circle r="1"/></svg>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("reads an SVG script's text with character references decoded", async () => {
    const input = `<svg><script>fbq&#40;&apos;init&apos;, &apos;1&apos;);</script></svg>`;
    expectPage(await gatedPage(input, NONE), `<svg><script></script></svg>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("judges an SVG script's text nodes together, across CDATA", async () => {
    const input = `<svg><script>fbq('in<![CDATA[it', '1');]]></script></svg>`;
    expectPage(await gatedPage(input, NONE), `<svg><script>fbq('in<![CDATA[]]></script></svg>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("drops an SVG script's text after a child element that could split a snippet", async () => {
    const input = `<svg><script>fbq('in<g></g>it', '1');</script></svg><script>ok()</script>`;
    expectPage(await gatedPage(input, NONE), `<svg><script>fbq('in</script></svg><script>ok()</script>`);
  });

  it("judges an HTML script in foreignObject like any HTML script", async () => {
    const input = `<svg><foreignObject><script>gtag('config', 'G-DEMO12345');</script></foreignObject></svg><p>after</p>`;
    expectPage(await gatedPage(input, NONE), `<svg><foreignObject><script></script></foreignObject></svg><p>after</p>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("leaves the text of an HTML script with src in foreignObject alone (it never runs), and judges the next", async () => {
    const input = `<svg><foreignObject><script src="/a.js">gtag('config', 'G-DEMO12345');</script></foreignObject></svg><script>fbq('init', '1');</script>`;
    expectPage(
      await gatedPage(input, NONE),
      `<svg><foreignObject><script src="/a.js">gtag('config', 'G-DEMO12345');</script></foreignObject></svg><script></script>`,
    );
  });

  it("keeps a first-party SVG script with CDATA", async () => {
    const input = `<svg><script><![CDATA[ if (a < b) document.title = "x"; ]]></script></svg>`;
    expectPage(await gatedPage(input, NONE), input);
  });
});

describe("legacy and malformed markup", () => {
  const PX = "https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif";

  it("treats <image> in HTML as the <img> the parser makes of it, and keeps what follows", async () => {
    const input = `<div><image src="${PX}" alt="x"></div><p>b</p><IMAGE SRCSET="${PX} 2x" src="/a.png"><p>c</p>`;
    expectPage(await gatedPage(input, NONE), `<div><image alt="x"></div><p>b</p><IMAGE src="/a.png"><p>c</p>`);
    expectPage(await gatedPage(input, ALL), input);
  });

  it("removes an SVG filter image loading from a vendor", async () => {
    const input = `<svg><filter id="f"><feImage href="${PX}"/></filter><circle r="1" filter="url(#f)"/></svg>`;
    expectPage(await gatedPage(input, NONE), `<svg><filter id="f"></filter><circle r="1" filter="url(#f)"/></svg>`);
  });

  it("drops a vendor background attribute, not the body or table holding it", async () => {
    const input = `<body background="${PX}"><table background="${PX}"><tr><td>c</td></tr></table></body>`;
    expectPage(await gatedPage(input, NONE), `<body><table><tr><td>c</td></tr></table></body>`);
  });

  it("drops a vendor frame's src and keeps the frameset", async () => {
    const input = `<frameset cols="50%,50%"><frame src="https://www.googletagmanager.com/ns.html?id=GTM-1"><frame src="/a.html"></frameset>`;
    expectPage(await gatedPage(input, NONE), `<frameset cols="50%,50%"><frame><frame src="/a.html"></frameset>`);
  });

  it("keeps the end tag of the parent that closes a removed element left open", async () => {
    const input = `<section><div class="elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f"><p>feed</section><ul><li><video src="${PX}"></ul><p>b</p>`;
    expectPage(await gatedPage(input, NONE), `<section></section><ul><li></ul><p>b</p>`);
  });
});
