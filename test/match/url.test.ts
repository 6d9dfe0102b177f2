import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  claimants,
  compileUrlMatcher,
  matchUrl,
  normalizePath,
  parseUrlPattern,
  resolveUrl,
} from "../../src/match/url";
import { activatePolicy } from "../../src/policy/active";
import { SHIPPED } from "../helpers/gate";

const { policy } = activatePolicy(SHIPPED);
const BASE = new URL("https://kevyt.example/blog/post");

/** Vendor ids the URL (as a browser resolves it against BASE) belongs to, sorted. */
function vendorsOf(value: string): string[] | null {
  const url = resolveUrl(value, BASE);
  if (!url) return null;
  return matchUrl(policy.urls, url)
    .map((i) => policy.vendors[i]?.id ?? `#${i}`)
    .sort();
}

const GTM = "google-tag-manager";
const GA = "google-analytics";
const ADS = "google-ads";

describe("matchUrl with the test policy's vendors", () => {
  it.each([
    // Google's shared host: URL rules decide, the longest path and a query condition win.
    ["https://www.googletagmanager.com/gtm.js?id=GTM-ABC", [GTM]],
    ["https://www.googletagmanager.com/ns.html?id=GTM-ABC", [GTM]],
    ["https://googletagmanager.com/gtm.js?id=GTM-ABC", [GTM]],
    ["https://www.googletagmanager.com/gtag/js?id=G-ABC123", [GA]],
    ["https://www.googletagmanager.com/gtag/js", [GA]],
    ["https://www.googletagmanager.com/gtag/js?id=AW-123456", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?id=aw-123456", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?id=DC-123456", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?id=G-1&id=AW-2", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?i%64=AW-2", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?id=%41W-2", [ADS]],
    ["https://www.googletagmanager.com/gtag/js?xid=AW-2", [GA]],
    // An unknown path on the shared host needs every vendor that claims the host.
    ["https://www.googletagmanager.com/", [GA, GTM]],
    ["https://www.googletagmanager.com/gtag/destination?id=AW-1", [GA, GTM]],
    ["https://www.googletagmanager.com/static/service_worker/x.js", [GA, GTM]],
    ["https://googletagmanager.com/debug/bootstrap", [GA, GTM]],
    // Host-only vendors.
    ["https://widget.intercom.io/widget/abc123", ["intercom"]],
    ["https://js.intercomcdn.com/frame.js", ["intercom"]],
    ["https://intercom.io/", ["intercom"]],
    ["https://a.b.c.intercom.io/x", ["intercom"]],
    ["https://www.google-analytics.com/analytics.js", [GA]],
    ["https://region1.google-analytics.com/g/collect?v=2", [GA]],
    ["https://region1.analytics.google.com/g/collect", [GA]],
    ["https://static.elfsight.com/platform/platform.js", ["elfsight"]],
    ["https://elfsightcdn.com/platform.js", ["elfsight"]],
    ["https://connect.facebook.net/en_US/fbevents.js", ["meta-pixel"]],
    ["https://www.facebook.com/tr?id=1&ev=PageView&noscript=1", ["meta-pixel"]],
    ["https://snap.licdn.com/li.lms-analytics/insight.min.js", ["linkedin-insight"]],
    ["https://px.ads.linkedin.com/collect/?pid=1", ["linkedin-insight"]],
    ["https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/", [ADS]],
    ["https://www.google.com/pagead/1p-conversion/1/", [ADS]],
    ["https://scontent.cdninstagram.com/v/t51/x.jpg", ["instagram"]],
    // Case, trailing dots, repeated slashes and escapes do not hide a URL.
    ["https://WWW.GOOGLETAGMANAGER.COM/gtm.js", [GTM]],
    ["https://www.googletagmanager.com/GTM.JS", [GTM]],
    ["https://www.googletagmanager.com./gtm.js", [GTM]],
    ["https://www.googletagmanager.com../gtm.js", [GTM]],
    ["https://Widget.Intercom.IO./widget/x", ["intercom"]],
    ["https://www.googletagmanager.com//gtm.js", [GTM]],
    ["https://www.googletagmanager.com///gtag//js?id=G-1", [GA]],
    ["https://www.googletagmanager.com/gtm%2Ejs", [GTM]],
    ["https://www.googletagmanager.com/%67tm.js", [GTM]],
    ["https://www.googletagmanager.com/x/../gtm.js", [GTM]],
    ["https://www.googletagmanager.com/x/%2e%2e/gtm.js", [GTM]],
    ["https://www.googletagmanager%2Ecom/gtm.js", [GTM]],
    ["https://www\uFF0Egoogletagmanager\uFF0Ecom/gtm.js", [GTM]],
    ["https://www.google\u{1D565}agmanager.com/gtm.js", [GTM]],
    ["https://www.googletag\u00ADmanager.com/gtm.js", [GTM]],
    ["https://www.googletagmanager.com:443/gtm.js", [GTM]],
    ["https://www.googletagmanager.com:8443/gtm.js", [GTM]],
    ["http://www.googletagmanager.com/gtm.js", [GTM]],
    ["https://user:pw@www.googletagmanager.com/gtm.js", [GTM]],
    // Protocol-relative and backslashed forms resolve against the page.
    ["//www.googletagmanager.com/gtm.js", [GTM]],
    ["\\\\www.googletagmanager.com\\gtm.js", [GTM]],
    ["/\\www.googletagmanager.com/gtm.js", [GTM]],
    ["https:\\\\widget.intercom.io\\widget", ["intercom"]],
    ["  https://www.googletagmanager.com/gtm.js\n", [GTM]],
    ["https://www.google\ttag\nmanager.com/gtm.js", [GTM]],
    // Not a vendor's.
    ["https://kevyt.example/gtm.js", []],
    ["/gtag/js?id=AW-1", []],
    ["gtm.js", []],
    ["https://googletagmanager.com.evil.example/gtm.js", []],
    ["https://evilgoogletagmanager.com/gtm.js", []],
    ["https://notintercom.io/widget", []],
    ["https://intercom.io.evil.example/widget", []],
    ["https://cdn.example/www.googletagmanager.com/gtm.js", []],
    ["https://example.com/?u=https://www.googletagmanager.com/gtm.js", []],
    ["https://facebook.com/tr", ["meta-pixel"]],
    ["https://www.facebook.com/", []],
    ["https://www.google.com/search?q=pagead", []],
    ["https://www.googleadservices.com.evil.example/", []],
  ])("%s -> %j", (value, expected) => {
    expect(vendorsOf(value)).toEqual([...expected].sort());
  });
});

describe("resolveUrl", () => {
  it.each([
    ["https://a.example/x", "https://a.example/x"],
    ["  https://a.example/x  ", "https://a.example/x"],
    ["\t\n https://a.example/x \r\n", "https://a.example/x"],
    ["//a.example/x", "https://a.example/x"],
    ["\\\\a.example\\x", "https://a.example/x"],
    ["/\\a.example/x", "https://a.example/x"],
    ["x.js", "https://kevyt.example/blog/x.js"],
    ["../x.js", "https://kevyt.example/x.js"],
    ["?q=1", "https://kevyt.example/blog/post?q=1"],
    ["", "https://kevyt.example/blog/post"],
    ["HTTP://A.EXAMPLE", "http://a.example/"],
    ["https://a.example/a b", "https://a.example/a%20b"],
  ])("%j -> %s", (value, href) => {
    expect(resolveUrl(value, BASE)?.href).toBe(href);
  });

  it.each([
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script src=https://www.googletagmanager.com/gtm.js></script>",
    "blob:https://kevyt.example/1",
    "about:blank",
    "mailto:a@kevyt.example",
    "ftp://a.example/x",
    "ws://a.example/socket",
    "https://",
    "https://exa mple.com/",
    "http://[::1",
  ])("%j -> null", (value) => {
    expect(resolveUrl(value, BASE)).toBeNull();
  });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (value) => {
        const url = resolveUrl(value, BASE);
        if (url) expect(["http:", "https:"]).toContain(url.protocol);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the matcher's parts", () => {
  it("parseUrlPattern reads host, wildcard, lower-case path and query condition", () => {
    expect(parseUrlPattern("www.googletagmanager.com/gtag/js?id=AW-")).toEqual({
      host: "www.googletagmanager.com",
      wildcard: false,
      path: "/gtag/js",
      query: { name: "id", prefix: "aw-" },
    });
    expect(parseUrlPattern("*.example.com/A%2Fb//c")).toEqual({ host: "example.com", wildcard: true, path: "/a/b/c" });
  });

  it.each([
    ["/gtm%2Ejs", "/gtm.js"],
    ["//a///b", "/a/b"],
    ["/A/B", "/a/b"],
    ["/%zz/x", "/%zz/x"],
    ["/%E2%82%AC", "/€"],
  ])("normalizePath(%j) = %j", (path, expected) => {
    expect(normalizePath(path)).toBe(expected);
  });

  it("claimants: exact and wildcard hosts, each vendor once, in vendor order", () => {
    const m = compileUrlMatcher([
      { hosts: ["a.example", "*.a.example"], urls: [] },
      { hosts: ["*.example"], urls: [] },
      { hosts: ["b.a.example"], urls: [] },
    ]);
    expect(claimants(m, "a.example")).toEqual([0, 1]);
    expect(claimants(m, "b.a.example")).toEqual([2, 0, 1]);
    expect(claimants(m, "c.b.a.example.")).toEqual([0, 1]);
    expect(claimants(m, "example")).toEqual([1]);
    expect(claimants(m, "xa.example")).toEqual([1]);
    expect(claimants(m, "other.test")).toEqual([]);
  });

  it("a rule with a query condition outranks a longer path without one", () => {
    const m = compileUrlMatcher([
      { hosts: [], urls: ["h.example/a/long/path"] },
      { hosts: [], urls: ["h.example/a?x=1"] },
    ]);
    expect(matchUrl(m, new URL("https://h.example/a/long/path?x=12"))).toEqual([1]);
    expect(matchUrl(m, new URL("https://h.example/a/long/path?x=2"))).toEqual([0]);
    expect(matchUrl(m, new URL("https://h.example/a/other"))).toEqual([]);
  });

  it("two vendors with the same best rule both count", () => {
    const m = compileUrlMatcher([
      { hosts: [], urls: ["h.example/a"] },
      { hosts: [], urls: ["h.example/a"] },
    ]);
    expect(matchUrl(m, new URL("https://h.example/a/b"))).toEqual([0, 1]);
  });
});
