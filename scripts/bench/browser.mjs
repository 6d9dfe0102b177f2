// The browser phase ("against what sites use instead"): the demo page in Chromium on an
// emulated slow phone, three ways, the same number of runs each, interleaved:
//   gatekeeper  through the gatekeeper, no consent (what a first visitor gets)
//   cmp         straight from the origin with vanilla-cookieconsent holding the same tags back
//               (cmp-page.mjs), no consent given
//   none        straight from the origin with no consent tool: every tag loads
// First contentful paint, largest contentful paint and total blocking time follow the web-vitals
// definitions: `paint` and `largest-contentful-paint` entries from a PerformanceObserver (the last
// LCP entry before any input; this visitor never gives any), and TBT as the sum over long tasks
// starting after FCP of (duration − 50 ms), until the network has been quiet for 0.5 s (every
// stub script has run by then: each runs as its response arrives) plus 0.3 s.
// Each is the median over the runs. Every run is a fresh browser context (empty cache, no
// cookies). Vendors are local stubs (browser-stubs.mjs); nothing leaves the machine.
import { chromium } from "playwright-core";
import { PHONE, STUBS, stubAnswer } from "./browser-stubs.mjs";
import { CMP_VERSION } from "./cmp-page.mjs";
import { median, sum } from "./stats.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Set up before the page's own code: what the page paints and which long tasks it runs. */
const OBSERVE = `(() => {
  const v = (window.__benchVitals = { fcp: null, lcp: null, lcpElement: null, longTasks: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") v.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    v.lcp = last.startTime;
    const el = last.element;
    v.lcpElement = el ? el.tagName.toLowerCase() + (el.id ? "#" + el.id : el.className ? "." + String(el.className).split(" ")[0] : "") : null;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) v.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
})();`;

/** TBT as web-vitals defines it from FCP on: every long task's time beyond 50 ms. */
export const totalBlockingTime = (fcp, longTasks) =>
  sum(longTasks.filter(([start]) => start >= fcp).map(([, duration]) => Math.max(0, duration - 50)));

export function browserVariants({ gateUrl, originUrl }) {
  return [
    { id: "gatekeeper", label: "behind the gatekeeper, no consent", url: `${gateUrl}/` },
    { id: "cmp", label: `vanilla-cookieconsent ${CMP_VERSION}, straight from the origin`, url: `${originUrl}/cmp/` },
    { id: "none", label: "no consent tool, straight from the origin", url: `${originUrl}/` },
  ];
}

async function loadOnce(browser, v, local) {
  const context = await browser.newContext({
    viewport: PHONE.viewport,
    deviceScaleFactor: PHONE.deviceScaleFactor,
    isMobile: true,
    hasTouch: true,
    locale: "fi-FI",
  });
  try {
    const vendorRequests = [];
    let firstParty = 0;
    context.on("request", (request) => {
      if (local(new URL(request.url()))) firstParty++;
    });
    await context.route(
      (url) => !local(url),
      async (route) => {
        const answer = stubAnswer(new URL(route.request().url()));
        vendorRequests.push(answer.stub ?? new URL(route.request().url()).hostname);
        await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        await route.fulfill({ status: answer.status, contentType: answer.contentType, body: answer.body });
      },
    );
    const page = await context.newPage();
    await page.addInitScript(OBSERVE);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: PHONE.cpuSlowdown });
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: PHONE.latencyMs,
      downloadThroughput: (PHONE.downloadKbps * 1024) / 8,
      uploadThroughput: (PHONE.uploadKbps * 1024) / 8,
    });
    const response = await page.goto(v.url, { waitUntil: "load", timeout: 30_000 });
    if (response?.status() !== 200) throw new Error(`browser: ${v.id} ${v.url}: ${response?.status()}`);
    const loadMs = await page.evaluate(() => performance.getEntriesByType("navigation")[0]?.loadEventStart ?? null);
    await page.waitForLoadState("networkidle", { timeout: 20_000 }).catch(() => {});
    await page.waitForTimeout(300);
    const vitals = await page.evaluate(() => window.__benchVitals);
    const banner = await page.evaluate(
      () => !!document.querySelector('#gk-banner, #cc-main .cm, [data-gatekeeper][role="dialog"]'),
    );
    return {
      fcp: vitals.fcp,
      lcp: vitals.lcp,
      lcpElement: vitals.lcpElement,
      tbt: vitals.fcp === null ? null : totalBlockingTime(vitals.fcp, vitals.longTasks),
      longTasks: vitals.longTasks.length,
      loadMs,
      firstPartyRequests: firstParty,
      vendorRequests,
      banner,
    };
  } finally {
    await context.close();
  }
}

/**
 * `runs` loads of each variant, interleaved (forward, then reversed), one browser throughout.
 * Past `maxSeconds` no further round starts once 3 are done, so a slow machine cannot push the
 * bench over its budget; the report gives the runs there were.
 */
export async function browserPhase({ gateUrl, originUrl, runs, maxSeconds = Infinity, log = () => {} }) {
  const started = performance.now();
  const variants = browserVariants({ gateUrl, originUrl });
  const localHosts = new Set([new URL(gateUrl).host, new URL(originUrl).host]);
  const local = (url) => localHosts.has(url.host) || url.protocol === "data:" || url.protocol === "blob:";
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Nothing resolves but loopback: a preconnect to a vendor host fails at once, offline.
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
  const results = Object.fromEntries(variants.map((v) => [v.id, []]));
  try {
    // Not measured: the first load of a fresh browser (and of the gatekeeper's isolate) is slower.
    await loadOnce(browser, variants[0], local);
    for (let r = 0; r < runs; r++) {
      if (r >= 3 && (performance.now() - started) / 1000 > maxSeconds) {
        log(`browser: ${r} runs of ${runs}, past ${maxSeconds} s`);
        break;
      }
      for (const v of r % 2 ? [...variants].reverse() : variants) results[v.id].push(await loadOnce(browser, v, local));
    }
  } finally {
    await browser.close();
  }
  const out = variants.map((v) => {
    const rs = results[v.id];
    const med = (key) => median(rs.map((x) => x[key]));
    return {
      id: v.id,
      label: v.label,
      runs: rs.length,
      fcp: med("fcp"),
      lcp: med("lcp"),
      tbt: med("tbt"),
      loadMs: med("loadMs"),
      lcpElements: [...new Set(rs.map((x) => x.lcpElement))],
      firstPartyRequests: med("firstPartyRequests"),
      vendorRequests: median(rs.map((x) => x.vendorRequests.length)),
      vendorsLoaded: [...new Set(rs.flatMap((x) => x.vendorRequests))],
      banner: rs.every((x) => x.banner),
      all: rs.map(({ fcp, lcp, tbt }) => ({ fcp, lcp, tbt })),
    };
  });
  for (const v of out)
    log(
      `browser ${v.id}: FCP ${v.fcp?.toFixed(0)} ms, LCP ${v.lcp?.toFixed(0)} ms, TBT ${v.tbt?.toFixed(0)} ms, ${v.vendorRequests} vendor requests`,
    );
  return {
    phone: PHONE,
    stubs: STUBS.map(({ name, bytes, execMs, source }) => ({ name, bytes, execMs, source })),
    runs: Math.min(...out.map((v) => v.runs)),
    variants: out,
  };
}
