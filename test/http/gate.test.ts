import { describe, expect, it } from "vitest";
import { consentCookie, html, makeGate, stripInjected } from "../helpers/gate";
import { expectPage } from "../helpers/streaming";

const PAGE = `<!doctype html><html><head>
<link rel="preconnect" href="https://www.googletagmanager.com">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO1"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date()); gtag('config', 'G-DEMO1');</script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-DEMO');</script>
</head><body><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-DEMO" height="0" width="0"></iframe></noscript>
<p>hello</p><script>console.log("first party mentions Google Analytics")</script></body></html>`;

describe("gate", () => {
  it("removes every vendor tag without consent and keeps the rest", async () => {
    const { request } = makeGate(() => html(PAGE));
    const res = await request("/");
    const out = await res.text();
    expect(res.status).toBe(200);
    expect(out).not.toContain("googletagmanager");
    expect(out).not.toContain("gtag('config'");
    expect(out).toContain('console.log("first party mentions Google Analytics")');
    expect(out).toContain("<noscript></noscript>");
    expect(res.headers.get("vary")).toContain("Cookie");
  });
  it("passes the page byte for byte with everything allowed", async () => {
    const { request } = makeGate(() => html(PAGE));
    const res = await request("/", {
      headers: { cookie: consentCookie(["functional", "analytics", "marketing", "social"]) },
    });
    const out = await res.text();
    expect(out).not.toBe(PAGE);
    // Apart from injected elements, only the gtag.js URL may differ: re-pointed to /__gk/ga (first-party analytics).
    expectPage(await stripInjected(out), PAGE);
  });
  it("keeps gtag and drops GTM with analytics only", async () => {
    const { request } = makeGate(() => html(PAGE));
    const res = await request("/", { headers: { cookie: consentCookie(["analytics"]) } });
    const out = await res.text();
    expect(out).toContain("gtag/js?id=G-DEMO1");
    expect(out).toContain("gtag('config', 'G-DEMO1')");
    expect(out).not.toContain("gtm.js");
    expect(out).not.toContain("ns.html");
  });
});
