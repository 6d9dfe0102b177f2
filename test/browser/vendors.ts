/**
 * Local stand-ins for every vendor the demo site embeds, served through Playwright request routing
 * so that nothing leaves the machine. Each stub behaves like the real tag in what matters here:
 * it sets the vendor's cookies where the real one does (GA's `_ga` / `_ga_<id>` on the highest
 * domain that takes a cookie, Intercom's `intercom-*-<app>`), and it makes the follow-up requests
 * the real one makes (GA4 hits, the Intercom ping, Elfsight's boot call, the marketing tags GTM
 * fires), so a request count proves a tag really loaded.
 *
 * The classification below is the test's own, written from the vendors' documentation
 * (test/fixtures/VENDOR-FACTS.md), not read from policies/: the suite checks the policy, it does
 * not trust it.
 */

export type VendorId =
  | "google-tag-manager"
  | "google-analytics"
  | "google-ads"
  | "meta-pixel"
  | "linkedin-insight"
  | "intercom"
  | "elfsight"
  | "instagram";

export const PURPOSE_OF: Record<VendorId, string> = {
  "google-tag-manager": "marketing",
  "google-analytics": "analytics",
  "google-ads": "marketing",
  "meta-pixel": "marketing",
  "linkedin-insight": "marketing",
  intercom: "functional",
  elfsight: "social",
  instagram: "social",
};

const under = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** Which vendor a third-party URL belongs to, or null for a host no vendor here uses. */
export function vendorOf(url: URL): VendorId | null {
  const host = url.hostname;
  const path = url.pathname;
  if (under(host, "googletagmanager.com")) {
    if (path.startsWith("/gtm.js") || path.startsWith("/ns.html")) return "google-tag-manager";
    if (path.startsWith("/gtag/js")) {
      const id = url.searchParams.get("id") ?? "";
      return id.startsWith("AW-") || id.startsWith("DC-") ? "google-ads" : "google-analytics";
    }
    return "google-tag-manager";
  }
  if (under(host, "google-analytics.com") || under(host, "analytics.google.com")) return "google-analytics";
  if (host === "www.google.com" && path.startsWith("/g/collect")) return "google-analytics";
  if (
    under(host, "doubleclick.net") ||
    under(host, "googleadservices.com") ||
    under(host, "googlesyndication.com") ||
    host === "www.google.com"
  )
    return "google-ads";
  if (host === "connect.facebook.net" || under(host, "facebook.com")) return "meta-pixel";
  if (host === "snap.licdn.com" || host === "px.ads.linkedin.com") return "linkedin-insight";
  if (["intercom.io", "intercomcdn.com", "intercomassets.com", "intercom-messenger.com"].some((d) => under(host, d)))
    return "intercom";
  if (under(host, "elfsight.com") || under(host, "elfsightcdn.com") || host.endsWith(".elf.site")) return "elfsight";
  if (under(host, "instagram.com") || under(host, "cdninstagram.com")) return "instagram";
  return null;
}

/** Google hosts of any kind: with first-party analytics, the page contacts none of them. */
export function isGoogleHost(host: string): boolean {
  return ["google.com", "googletagmanager.com", "google-analytics.com", "doubleclick.net", "googleadservices.com"].some(
    (d) => under(host, d),
  );
}

// Shared by the stubs: GA's cookie_domain "auto", the highest domain level that accepts a cookie
// (`.kevytpankki.test` on www.kevytpankki.test), host-only where none does (localhost, IPs).
const TOP_COOKIE = `function setTopCookie(name, value, maxAge) {
  var labels = location.hostname.split(".");
  for (var i = labels.length - 1; i >= 0; i--) {
    var domain = labels.slice(i).join(".");
    document.cookie = name + "=" + value + "; domain=" + domain + "; path=/; max-age=" + maxAge + "; SameSite=Lax";
    if (document.cookie.split("; ").indexOf(name + "=" + value) >= 0) return domain;
  }
  document.cookie = name + "=" + value + "; path=/; max-age=" + maxAge + "; SameSite=Lax";
  return location.hostname;
}
function readCookie(name) {
  var hit = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
  return hit ? hit.slice(name.length + 1) : null;
}
function rand() { return String(Math.floor(Math.random() * 2147483647)); }
function now() { return String(Math.floor(Date.now() / 1000)); }
function load(src) {
  var s = document.createElement("script"); s.async = true; s.src = src;
  (document.head || document.documentElement).appendChild(s);
}
/* Consent Mode: the last consent default/update in the data layer, granted when none. */
function consentState(dataLayer) {
  var state = { ad_storage: "granted", analytics_storage: "granted" };
  for (var i = 0; i < dataLayer.length; i++) {
    var a = dataLayer[i];
    if (a && typeof a.length === "number" && a[0] === "consent" && a[2]) for (var k in a[2]) state[k] = a[2][k];
  }
  return state;
}`;

/** gtag.js: reads the data layer's `config` commands, sets GA cookies, sends a page_view hit. */
export const GTAG_JS = `(function () {
${TOP_COOKIE}
  var dl = (window.dataLayer = window.dataLayer || []);
  var seen = 0;
  function hit(tid, params) {
    if (!/^G-/.test(tid)) return;
    var consent = consentState(dl);
    var granted = consent.analytics_storage !== "denied";
    var ts = now();
    var cid = rand() + "." + ts;
    if (granted) {
      var ga = readCookie("_ga");
      if (ga) cid = ga.split(".").slice(2).join(".");
      else setTopCookie("_ga", "GA1.1." + cid, 63072000);
      setTopCookie("_ga_" + tid.slice(2), "GS2.1.s" + ts + "$o1$g0$t" + ts + "$j60$l0$h0", 63072000);
    }
    var base = String(params.server_container_url || params.transport_url || "https://region1.google-analytics.com");
    var url = base.replace(/\\/+$/, "") + "/g/collect?v=2&tid=" + encodeURIComponent(tid) +
      "&gtm=45je0&_p=" + rand() + "&gcs=G1" + (consent.ad_storage === "denied" ? 0 : 1) + (granted ? 1 : 0) +
      "&cid=" + cid + "&sid=" + ts + "&sct=1&seg=0&dl=" + encodeURIComponent(location.href) +
      "&dt=" + encodeURIComponent(document.title) + "&en=page_view";
    navigator.sendBeacon(url);
  }
  var globals = {};
  function process() {
    for (; seen < dl.length; seen++) {
      var a = dl[seen], k;
      if (!a || typeof a.length !== "number") continue;
      // gtag('set', {...}) sets parameters for every later config (the edge's transport_url, say).
      if (a[0] === "set" && a[1] && typeof a[1] === "object") for (k in a[1]) globals[k] = a[1][k];
      if (a[0] === "config") {
        var params = {};
        for (k in globals) params[k] = globals[k];
        for (k in a[2] || {}) params[k] = a[2][k];
        hit(String(a[1]), params);
      }
    }
  }
  var push = dl.push;
  dl.push = function () { var r = push.apply(dl, arguments); process(); return r; };
  process();
  window.google_tag_manager_stub = true;
})();`;

/** gtm.js: the container fires the Conversion Linker and the marketing tags it manages. */
const GTM_JS = `(function () {
${TOP_COOKIE}
  var dl = (window.dataLayer = window.dataLayer || []);
  var consent = consentState(dl);
  if (consent.ad_storage !== "denied") setTopCookie("_gcl_au", "1.1." + rand() + "." + now(), 7776000);
  new Image().src = "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/111111111/?random=" + rand() +
    "&url=" + encodeURIComponent(location.href);
  load("https://connect.facebook.net/en_US/fbevents.js");
  load("https://snap.licdn.com/li.lms-analytics/insight.min.js");
  dl.push({ event: "gtm.load" });
})();`;

/**
 * Another GTM container (for the CSP test): besides its own marketing tags it fires tags of vendors with
 * other purposes, the Intercom widget (functional) and Elfsight's platform (social), the way a
 * real container loads whatever its owner added. HTML rewriting never sees these; only the CSP
 * can stop them. Served in place of gtm.js through VisitOptions.stubs.
 */
export const GTM_CONTAINER_OTHER_PURPOSES_JS = `(function () {
${TOP_COOKIE}
  var dl = (window.dataLayer = window.dataLayer || []);
  load("https://widget.intercom.io/widget/demoapp1");
  load("https://static.elfsight.com/platform/platform.js");
  window.gk_stub_container = "other-purposes";
  dl.push({ event: "gtm.load" });
})();`;

/** fbevents.js (through GTM): `_fbp` on the site's domain and a PageView. */
const FBEVENTS_JS = `(function () {
${TOP_COOKIE}
  var fbp = readCookie("_fbp") || ("fb.1." + Date.now() + "." + rand());
  setTopCookie("_fbp", fbp, 7776000);
  new Image().src = "https://www.facebook.com/tr/?id=100000000000001&ev=PageView&dl=" +
    encodeURIComponent(location.href) + "&fbp=" + fbp;
})();`;

/** LinkedIn Insight (through GTM): one collect hit. */
const INSIGHT_JS = `(function () {
  new Image().src = "https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=1000001&time=" + Date.now() +
    "&url=" + encodeURIComponent(location.href);
})();`;

/** The Intercom widget: boots from intercomSettings, sets its cookies, pings its API. */
const INTERCOM_WIDGET_JS = `(function () {
${TOP_COOKIE}
  var settings = window.intercomSettings || {};
  var appId = settings.app_id || (document.currentScript && document.currentScript.src.split("/").pop());
  var visitor = readCookie("intercom-id-" + appId) || ("stub-" + rand() + "-" + rand());
  setTopCookie("intercom-id-" + appId, visitor, 23328000);
  setTopCookie("intercom-device-id-" + appId, readCookie("intercom-device-id-" + appId) || ("dev-" + rand()), 23328000);
  setTopCookie("intercom-session-" + appId, "sess-" + rand(), 604800);
  var queue = (window.Intercom && window.Intercom.q) || [];
  var Intercom = function () {};
  Intercom.booted = true;
  window.Intercom = Intercom;
  queue.forEach(function (args) { Intercom.apply(null, args); });
  load("https://js.intercomcdn.com/frame-modern.stub.js");
  var body = new URLSearchParams({ app_id: appId, v: "3", anonymous_id: visitor, referer: location.href });
  fetch(String(settings.api_base || "https://api-iam.intercom.io") + "/messenger/web/ping",
    { method: "POST", mode: "no-cors", body: body });
  var launcher = document.createElement("div");
  launcher.className = "intercom-lightweight-app";
  launcher.setAttribute("aria-label", "Intercom (stub)");
  launcher.style.cssText = "position:fixed;right:20px;bottom:20px;width:48px;height:48px;border-radius:50%;background:#0057ff";
  document.body.appendChild(launcher);
})();`;

/** Elfsight's platform: boots every elfsight-app container and shows feed images. */
const ELFSIGHT_PLATFORM_JS = `(function () {
  var containers = document.querySelectorAll('[class*="elfsight-app-"]');
  for (var i = 0; i < containers.length; i++) {
    var el = containers[i];
    var m = /elfsight-app-([0-9a-f-]+)/.exec(el.className);
    if (!m) continue;
    fetch("https://core.service.elfsight.com/p/boot/?page=" + encodeURIComponent(location.href) + "&w=" + m[1],
      { mode: "no-cors" });
    var s = document.createElement("script");
    s.async = true; s.src = "https://universe-static.elfsightcdn.com/@elfsight/instagram-feed/stub/app.js";
    document.head.appendChild(s);
    var img = document.createElement("img");
    img.alt = ""; img.width = 120; img.height = 120;
    img.src = "https://scontent.cdninstagram.com/v/t51.2885-15/kevytpankki-demo-" + i + ".jpg";
    el.appendChild(img);
  }
})();`;

const GIF = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

export interface StubResponse {
  status: number;
  contentType?: string;
  body?: string | Buffer;
}

const js = (body: string): StubResponse => ({ status: 200, contentType: "text/javascript; charset=utf-8", body });

/** What the route answers for a third-party URL: a vendor stub, or an empty 204 for the rest. */
export function stubFor(url: URL, resourceType: string): StubResponse {
  const { hostname: host, pathname: path } = url;
  if (host === "www.googletagmanager.com" && path === "/gtm.js") return js(GTM_JS);
  if (host === "www.googletagmanager.com" && path === "/gtag/js") return js(GTAG_JS);
  if (host === "www.googletagmanager.com" && path === "/ns.html")
    return { status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>ns</title>" };
  if (host === "connect.facebook.net" && path.endsWith("/fbevents.js")) return js(FBEVENTS_JS);
  if (host === "snap.licdn.com") return js(INSIGHT_JS);
  if (host === "widget.intercom.io" && path.startsWith("/widget/")) return js(INTERCOM_WIDGET_JS);
  if (host === "static.elfsight.com" && path === "/platform/platform.js") return js(ELFSIGHT_PLATFORM_JS);
  if (host.endsWith("elfsightcdn.com") && path.endsWith("/platform.js")) return js(ELFSIGHT_PLATFORM_JS);
  if (resourceType === "script") return js("/* vendor stub */");
  if (resourceType === "image") return { status: 200, contentType: "image/gif", body: GIF };
  if (resourceType === "fetch" || resourceType === "xhr")
    return { status: 200, contentType: "application/json", body: "{}" };
  return { status: 204 };
}
