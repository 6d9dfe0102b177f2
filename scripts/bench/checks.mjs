// Before anything is measured: every variant answers, the floor and the platform minimum pass the
// page through byte for byte, and the gatekeeper does its job in each consent state. Also what the
// banner weighs, cut from a page the gatekeeper sent.
import { gzipSync } from "node:zlib";
import { attr, elementsOf, outerHtml } from "./html.mjs";
import { getOnce } from "./load.mjs";

const VENDORS = [
  "googletagmanager.com/gtm.js",
  "gtag/js?id=G-DEMO12345",
  "widget.intercom.io/widget",
  "static.elfsight.com/platform",
];

export async function sanityChecks({ variants, gateUrl, pages }) {
  const health = await getOnce(`${gateUrl}/__gk/health`);
  const status = JSON.parse(String(health.body) || "{}").status;
  if (health.status !== 200 || status !== "ok") throw new Error(`gatekeeper health: ${health.status} ${health.body}`);
  const sizes = {};
  for (const page of pages) {
    sizes[page] = {};
    const bodies = {};
    for (const v of variants) {
      const res = await getOnce(`${v.url}/${page}`, v.headers);
      if (res.status !== 200 || !res.ok) throw new Error(`${v.id} /${page}: ${res.status} ${res.error ?? ""}`);
      bodies[v.id] = String(res.body);
      sizes[page][v.id] = res.body.length;
    }
    for (const id of ["floor", "minimum"]) if (bodies[id] !== bodies.direct) throw new Error(`${id} changed /${page}`);
    const none = bodies["gk-none"];
    for (const vendor of VENDORS) if (none.includes(vendor)) throw new Error(`gk-none /${page} still has ${vendor}`);
    if (!none.includes('id="gk-banner"')) throw new Error(`gk-none /${page} has no banner`);
    for (const id of ["gk-all", "gk-analytics"])
      if (bodies[id].includes('id="gk-banner"')) throw new Error(`${id} /${page} shows the banner`);
    if (!bodies["gk-all"].includes("googletagmanager.com/gtm.js")) throw new Error(`gk-all /${page} lost GTM`);
    if (bodies["gk-analytics"].includes("googletagmanager.com/gtm.js"))
      throw new Error(`gk-analytics /${page} kept GTM`);
  }
  const notes = [
    "health ok",
    "floor and platform minimum byte-identical to origin",
    "no-consent pages lose GTM, gtag.js, Intercom, Elfsight",
    "banner only without consent",
    "analytics-only loses GTM, all-consent keeps it",
  ];
  return { notes, sizes };
}

const within = (el, outer) =>
  el.sourceCodeLocation.startOffset >= outer.sourceCodeLocation.startOffset &&
  el.sourceCodeLocation.endOffset <= outer.sourceCodeLocation.endOffset;

/** The banner as a no-consent visitor gets it: its <style> and its <div>, gzipped. */
export async function bannerSize(gateUrl) {
  const html = String((await getOnce(`${gateUrl}/page-20k`)).body);
  const elements = elementsOf(html);
  const style = elements.find((el) => el.tagName === "style" && attr(el, "data-gatekeeper") !== undefined);
  const banner = elements.find((el) => el.tagName === "div" && attr(el, "id") === "gk-banner");
  if (!style || !banner) throw new Error("banner not found in a no-consent page");
  const bytes = Buffer.from(outerHtml(html, style) + outerHtml(html, banner));
  return {
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    gzip9Bytes: gzipSync(bytes, { level: 9 }).length,
    // The first lang attribute within the banner (on it or an element inside it).
    lang:
      elements
        .filter((el) => within(el, banner))
        .map((el) => attr(el, "lang"))
        .find(Boolean) ?? "?",
  };
}
