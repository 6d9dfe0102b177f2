/**
 * The HTML side: with analytics allowed, gtag.js is re-pointed to /__gk/ga/gtag/js and a
 * data-gatekeeper config before it sends its hits to <site>/__gk/ga; every other byte is the
 * origin's. With analytics refused, gtag.js is removed as before.
 */
import { describe, expect, it } from "vitest";
import { configScript } from "../../src/beacon/repoint";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, html, SHIPPED, SITE, stripInjected } from "../helpers/gate";
import { expectPage } from "../helpers/streaming";
import { filesWithIds, makeBeaconGate } from "./helpers";

// Google's snippet, https://developers.google.com/analytics/devguides/collection/gtagjs (as in
// test/fixtures/vendors/google-analytics/gtag-js.html).
const SNIPPET = `<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-DEMO12345');
</script>`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Kevyt</title>\n${SNIPPET}\n</head><body><p>Lainat</p></body></html>`;
const CONFIG = `<script data-gatekeeper="first-party">(function(w,n){w[n]=w[n]||[];(function(){w[n].push(arguments)})("set",{"transport_url":"${SITE}/__gk/ga","server_container_url":"${SITE}/__gk/ga"})})(window,"dataLayer");</script>`;

// The site's own ids: the shipped G-DEMO12345 and the forms' below.
const FILES = filesWithIds("G-AAAA1111", "G-BBBB2222", "G-CCCC3333", "G-DDDD4444", "G-EEEE5555");

async function serve(page: string, purposes: string[] | null) {
  const { request } = makeBeaconGate(undefined, { origin: () => html(page), files: FILES });
  const res = await request("/", purposes ? { headers: { cookie: consentCookie(purposes) } } : {});
  return res.text();
}

describe("re-pointing gtag.js", () => {
  it("with analytics allowed: the tag loads first-party, after the config script", async () => {
    const out = await serve(PAGE, ["analytics"]);
    expect(out).toContain(`${CONFIG}<script async src="/__gk/ga/gtag/js?id=G-DEMO12345"></script>`);
    expect(out).not.toContain("googletagmanager.com");
    expect(await stripInjected(out)).toBe(PAGE.replace("https://www.googletagmanager.com/gtag/js", "/__gk/ga/gtag/js"));
  });

  it("with every purpose allowed: byte for byte, apart from data-gatekeeper elements and the re-pointed tag", async () => {
    const out = await serve(PAGE, ["functional", "analytics", "marketing", "social"]);
    expect(out).toContain('src="/__gk/ga/gtag/js?id=G-DEMO12345"');
    expectPage(await stripInjected(out), PAGE);
  });

  it("with analytics refused: the tag and its inline config are removed, nothing is re-pointed", async () => {
    for (const purposes of [null, ["marketing", "functional", "social"]]) {
      const out = await serve(PAGE, purposes);
      expect(out).not.toContain("gtag/js");
      expect(out).not.toContain("__gk/ga");
      expect(out).not.toContain("gtag('config'");
    }
  });

  it("leaves a Google Ads gtag.js on the same path alone (marketing allowed)", async () => {
    const ads = `<script async src="https://www.googletagmanager.com/gtag/js?id=AW-123456789"></script>`;
    expect(await stripInjected(await serve(ads, ["analytics", "marketing"]))).toBe(ads);
  });

  it("re-points protocol-relative, host-only and entity-encoded forms; a vendor <base> is removed", async () => {
    const page = [
      `<base href="https://www.googletagmanager.com/">`,
      `<script src="//www.googletagmanager.com/gtag/js?id=G-AAAA1111"></script>`,
      `<script src="https://googletagmanager.com/gtag/js?id=G-BBBB2222"></script>`,
      `<script src="https://www.googletagmanager.com/gtag/js?id=G-CCCC3333&amp;l=kpLayer"></script>`,
      `<script src="https://WWW.GoogleTagManager.COM./gtag/js?id=G-DDDD4444"></script>`,
      `<script src="gtag/js?id=G-EEEE5555"></script>`,
    ].join("");
    const out = await serve(page, ["analytics"]);
    for (const id of ["G-AAAA1111", "G-BBBB2222", "G-CCCC3333&l=kpLayer", "G-DDDD4444"])
      expect(out).toContain(`src="/__gk/ga/gtag/js?id=${id}"`);
    expect(out.match(/data-gatekeeper="first-party"/g)).toHaveLength(1);
    // A <base> on a vendor host is removed while any purpose is refused (marketing is, here), so
    // the relative form stays on the site's own host: it contacts no one, and is not re-pointed.
    expect(out).not.toContain("<base");
    expect(out).toContain(`<script src="gtag/js?id=G-EEEE5555"></script>`);
  });

  it("configures a renamed data layer (l=…) and a preload link is re-pointed without a config", async () => {
    const page = `<link rel="preload" as="script" href="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345&l=kpLayer"><script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345&l=kpLayer"></script>`;
    const out = await serve(page, ["analytics"]);
    const link = `<link rel="preload" as="script" href="/__gk/ga/gtag/js?id=G-DEMO12345&l=kpLayer">`;
    expect(out.startsWith(`${link}${CONFIG.replace('"dataLayer"', '"kpLayer"')}`)).toBe(true);
    expect(await stripInjected(out)).toBe(
      `${link}<script async src="/__gk/ga/gtag/js?id=G-DEMO12345&l=kpLayer"></script>`,
    );
  });

  it("the config script carries the tag's CSP nonce, so a nonce-based page runs it", async () => {
    const page = `<script nonce="r4nd0mN0nce+/=" async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345"></script>`;
    const out = await serve(page, ["analytics"]);
    expect(out).toContain('<script data-gatekeeper="first-party" nonce="r4nd0mN0nce+/=">');
    const hostile = await serve(page.replace("r4nd0mN0nce+/=", "x&quot; onload=&quot;alert(1)"), ["analytics"]);
    expect(hostile).toContain('<script data-gatekeeper="first-party">');
  });

  it("the config script is inert markup: a hostile data layer name cannot break out", () => {
    const policy = activatePolicy(SHIPPED).policy;
    const beacon = policy.beacons[0]!;
    const url = new URL("https://www.googletagmanager.com/gtag/js?id=G-X&l=</script><script>alert(1)");
    const script = configScript(beacon, new URL(SITE), url);
    expect(script).toContain('(window,"dataLayer")');
    expect(script.match(/<\/script>/g)).toHaveLength(1);
  });
});
