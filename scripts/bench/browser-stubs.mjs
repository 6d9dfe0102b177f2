// The vendors the demo page loads, as local stubs for the browser phase (browser.mjs): no request
// leaves the machine. Each stub answers with about the vendor script's real transfer size, after
// the delay the emulated network would add (Chromium does not throttle responses that request
// interception fulfils), and runs for about the vendor script's real main-thread time on a slow
// phone, as one task. Where no published figure was found the stub says so and costs nothing
// beyond its request, which flatters the page that loads it.
//
// Sources:
//   [lh]  Lighthouse, core/config/constants.js, throttling.mobileSlow4G (devtools throttling):
//         https://github.com/GoogleChrome/lighthouse/blob/main/core/config/constants.js
//   [tpw] third-party-web, data/2026-03-01-entity-scripting.json, averageScriptExecutionTime per
//         script (HTTP Archive's mobile Lighthouse runs): *.googletagmanager.com 468 ms,
//         *.intercomcdn.com 405 ms. https://github.com/patrickhulce/third-party-web
//   [cm-gtm] "Script size 85 KB": https://www.consentmark.com/tags/google-tag-manager
//   [cm-ga]  "Script size 45 KB": https://www.consentmark.com/tags/google-analytics
//   [ic]  Intercom, "Reducing the Intercom Messenger bundle size by 65%": almost 600 KB of gzipped
//         JavaScript before, 65 % less after, so about 210 KB:
//         https://www.intercom.com/blog/reducing-intercom-messenger-bundle-size/

/** The slow phone: Lighthouse's mobile profile [lh], applied through the DevTools protocol. */
export const PHONE = {
  cpuSlowdown: 4,
  latencyMs: 150 * 3.75,
  downloadKbps: 1.6 * 1024 * 0.9,
  uploadKbps: 750 * 0.9,
  viewport: { width: 412, height: 823 },
  deviceScaleFactor: 1.75,
};

const INTERCOM_FRAME = "https://js.intercomcdn.com/frame-modern.bench.js";

/** One stub per vendor URL the demo page (or a stub) requests. `bytes`, `execMs`: see sources. */
export const STUBS = [
  {
    name: "Google Tag Manager container (gtm.js)",
    match: (u) => u.hostname === "www.googletagmanager.com" && u.pathname === "/gtm.js",
    bytes: 85_000,
    execMs: 468,
    source: "[cm-gtm], [tpw]",
  },
  {
    name: "Google tag (gtag.js)",
    match: (u) => u.hostname === "www.googletagmanager.com" && u.pathname === "/gtag/js",
    bytes: 45_000,
    execMs: 468,
    source: "[cm-ga], [tpw]",
    // Its page_view hit.
    andThen: "navigator.sendBeacon('https://region1.google-analytics.com/g/collect?v=2&tid=G-DEMO12345&en=page_view');",
  },
  {
    name: "Intercom widget loader",
    match: (u) => u.hostname === "widget.intercom.io" && u.pathname.startsWith("/widget/"),
    bytes: null,
    execMs: 0,
    source: "no published figure: only its request",
    andThen: `var s=document.createElement('script');s.async=true;s.src=${JSON.stringify(INTERCOM_FRAME)};document.head.appendChild(s);`,
  },
  {
    name: "Intercom Messenger (frame.js)",
    match: (u) => u.href === INTERCOM_FRAME,
    bytes: 210_000,
    execMs: 405,
    source: "[ic], [tpw]",
  },
  {
    name: "Elfsight platform.js",
    match: (u) => u.hostname === "static.elfsight.com" && u.pathname === "/platform/platform.js",
    bytes: null,
    execMs: 0,
    source: "no published figure: only its request",
  },
];

/** The body of a stub: busy for `execMs` (one task), then `andThen`, padded to `bytes`. */
function stubScript(stub) {
  const code =
    `/* bench stub: ${stub.name} (${stub.source}) */\n` +
    (stub.execMs ? `(function(){var end=performance.now()+${stub.execMs};while(performance.now()<end){}})();\n` : "") +
    (stub.andThen ?? "");
  const pad = Math.max(0, (stub.bytes ?? 0) - Buffer.byteLength(code) - 5);
  return pad ? `${code}\n/*${" ".repeat(pad)}*/` : code;
}

/** What the emulated network adds to a response of `bytes`: the request latency, then the transfer. */
export const transferMs = (bytes) => PHONE.latencyMs + (bytes * 8 * 1000) / (PHONE.downloadKbps * 1024);

/**
 * The answer for a third-party URL: a stub script, or (beacons, pings, anything else) an empty
 * 204; `delayMs` is what the emulated network would have taken.
 */
export function stubAnswer(url) {
  const stub = STUBS.find((s) => s.match(url));
  if (!stub) return { stub: null, status: 204, contentType: "text/plain", body: "", delayMs: transferMs(0) };
  const body = stubScript(stub);
  return {
    stub: stub.name,
    status: 200,
    contentType: "text/javascript; charset=utf-8",
    body,
    delayMs: transferMs(Buffer.byteLength(body)),
  };
}
