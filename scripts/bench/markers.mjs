// What the demo page's vendor tags (demo/site/index.html) can be recognised by, by purpose: the
// fault phase looks for them in every body a refusing visitor gets, and the browser phase uses
// them to mark the same tags for a client-side consent manager. Benchmark data, not product code:
// the gatekeeper knows vendors only from policies/.

/**
 * Strings only a vendor's own tags contain, by purpose. Each must be in the origin's page (the
 * fault phase checks this before its run, so it cannot pass by looking for the wrong thing). The
 * demo page also shows a gtag.js snippet as escaped text in <pre><code> (G-XXXXXXXXXX): that is
 * text, not a tag, and is not a marker.
 */
export const MARKERS = {
  marketing: ["googletagmanager.com/gtm.js", "googletagmanager.com/ns.html", "'gtm.start'"],
  analytics: ["googletagmanager.com/gtag/js?id=G-DEMO12345", "gtag('config', 'G-DEMO12345')"],
  functional: ["widget.intercom.io/widget/demoapp1", "window.intercomSettings", 'href="https://widget.intercom.io"'],
  social: ["static.elfsight.com/platform/platform.js", "elfsight-app-5d6e2f3a", 'href="https://static.elfsight.com"'],
};

/** A link hint to a host both Google Analytics and GTM name: a leak only when both are refused. */
export const SHARED_MARKER = {
  marker: 'href="https://www.googletagmanager.com"',
  purposes: ["analytics", "marketing"],
};

/** The markers that must not reach a visitor who refuses `refuses` (purpose ids). */
export function leakMarkers(refuses) {
  const markers = refuses.flatMap((p) => MARKERS[p] ?? []);
  if (SHARED_MARKER.purposes.every((p) => refuses.includes(p))) markers.push(SHARED_MARKER.marker);
  return markers;
}

/** Every marker, of every purpose. */
export const allMarkers = () => leakMarkers(Object.keys(MARKERS));

/** The purpose whose marker `text` (a script's src or its code) carries, or null. */
export function purposeOf(text) {
  for (const [purpose, markers] of Object.entries(MARKERS)) if (markers.some((m) => text.includes(m))) return purpose;
  return null;
}
