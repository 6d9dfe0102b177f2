/**
 * The client API in Chromium. The page reads `window.gatekeeper` before and after the
 * banner; `set()` records a choice and fires `gatekeeper:change` exactly once, with the new state
 * in `detail` and a Consent Mode update on the page's dataLayer; "Reject all" applied in place
 * fires it too; it works on pages without a CSP and under a strict nonce-based CSP (and under
 * `script-src 'self'`); with JavaScript off nothing changes and the banner and preferences still
 * work as forms. Every event a page sees is recorded (in sessionStorage, so that it survives the
 * reload `set()` makes) and printed as a `[browser] client API` line.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { GatekeeperChange, GatekeeperState } from "../../types/gatekeeper";
import { bannerButton, bannerForm, gtagLoads, type Visit, type VisitOptions, visitsClosedAfterEach } from "./browser";
import { POLICY } from "./env";
import { type RecordingOrigin, recordingOrigin } from "./wire";

const ALL = [...POLICY.purposes].sort();
const NECESSARY = [...POLICY.required].sort();

/** In every page, before its own scripts: each `gatekeeper:change` and CSP violation, kept per tab. */
const RECORDER = `(() => {
  const keep = (key, item) => {
    const list = JSON.parse(sessionStorage.getItem(key) || "[]");
    list.push(item);
    sessionStorage.setItem(key, JSON.stringify(list));
  };
  addEventListener("gatekeeper:change", (e) => keep("gk-events", { page: location.pathname, detail: e.detail }));
  addEventListener("securitypolicyviolation", (e) =>
    keep("gk-violations", e.violatedDirective + " " + (e.blockedURI || "inline") + (e.disposition === "report" ? " (report-only)" : "")),
  );
})();`;

const openVisit = visitsClosedAfterEach();
async function open(options?: VisitOptions): Promise<Visit> {
  const visit = await openVisit(options);
  await visit.context.addInitScript(RECORDER);
  return visit;
}

/** The page's `window.gatekeeper` state, once the deferred script has run. */
async function pageState(visit: Visit): Promise<GatekeeperState> {
  await visit.page.waitForFunction(() => window.gatekeeper !== undefined, undefined, { timeout: 5_000 });
  return visit.page.evaluate(() => {
    const g = window.gatekeeper!;
    return { allowed: [...g.allowed], decided: g.decided, source: g.source, gpc: g.gpc };
  });
}

/** What GET /__gk/consent says for this browser now. */
const jsonState = (visit: Visit) =>
  visit.page.evaluate(async () => {
    const json = await (await fetch("/__gk/consent")).json();
    return { allowed: json.allowed, decided: json.decided, source: json.source, gpc: json.gpc };
  });

type Recorded = { page: string; detail: GatekeeperChange };
const events = (visit: Visit): Promise<Recorded[]> =>
  visit.page.evaluate(() => JSON.parse(sessionStorage.getItem("gk-events") || "[]"));
const violations = (visit: Visit): Promise<string[]> =>
  visit.page.evaluate(() => JSON.parse(sessionStorage.getItem("gk-violations") || "[]"));

function printEvents(scenario: string, recorded: Recorded[]) {
  const lines = recorded.map((r) => `  ${r.page} ${JSON.stringify(r.detail)}`);
  console.log(`[browser] client API, ${scenario}: ${recorded.length} gatekeeper:change\n${lines.join("\n")}`);
}

const change = (state: GatekeeperState, added: string[], removed: string[], reload: boolean): GatekeeperChange => ({
  ...state,
  added,
  removed,
  reload,
});
const decidedBy = (allowed: string[]): GatekeeperState => ({
  allowed,
  decided: true,
  source: "gatekeeper",
  gpc: false,
});

test("the script: served small and once per version", async () => {
  const visit = await open();
  await visit.visit("/");
  const loads = visit.requests.filter((r) => r.url.pathname === "/__gk/consent.js");
  expect(
    loads.map((r) => r.status),
    "the page's /__gk/consent.js",
  ).toEqual([200]);
  expect(loads[0]!.url.searchParams.get("v"), "a versioned URL").toMatch(/^[0-9a-f]{8}$/);
  const body = await visit.page.evaluate(async (url) => (await fetch(url)).text(), loads[0]!.url.href);
  const gzipped = gzipSync(body, { level: 9 }).length;
  console.log(`[browser] client API: /__gk/consent.js is ${Buffer.byteLength(body)} bytes, ${gzipped} gzipped`);
  expect(gzipped, "well under 2 KB gzipped").toBeLessThan(2048);
});

test("the page reads allowed before and after the banner (a page without CSP)", async () => {
  const visit = await open();
  await visit.visit("/");
  const before = await pageState(visit);
  expect(before).toEqual({ allowed: NECESSARY, decided: false, source: null, gpc: false });
  expect(await jsonState(visit), "GET /__gk/consent agrees").toEqual(before);
  await bannerButton(visit.page, "all").click();
  await visit.page.waitForURL(visit.url("/"));
  await visit.settle();
  const after = await pageState(visit);
  expect(after).toEqual(decidedBy(ALL));
  expect(await jsonState(visit)).toEqual(after);
  expect(await visit.page.evaluate(() => window.gatekeeper!.has("analytics"))).toBe(true);
  // Accept all is a form post and a new page: nothing changed under a page's feet, so no event.
  expect(await events(visit)).toEqual([]);
});

describe("set()", () => {
  test("fires gatekeeper:change exactly once per change, with the new state, and the cookie agrees", async () => {
    const visit = await open();
    await visit.visit("/");
    await pageState(visit);
    await visit.page.evaluate(() => {
      (window as any).gkHeard = [];
      window.gatekeeper!.onChange((detail) => (window as any).gkHeard.push(detail));
      (window as any).gkSameDocument = true;
    });
    const resolved = await visit.page.evaluate(() => window.gatekeeper!.set(["functional"], { reload: false }));
    const functional = decidedBy(["functional", "necessary"]);
    expect(resolved).toEqual(functional);
    expect(await pageState(visit)).toEqual(functional);
    expect(await visit.consentedPurposes()).toEqual(["functional", "necessary"]);
    expect(await jsonState(visit)).toEqual(functional);
    const first = change(functional, ["functional"], [], true);
    expect(await events(visit)).toEqual([{ page: "/", detail: first }]);
    expect(await visit.page.evaluate(() => (window as any).gkHeard), "onChange").toEqual([first]);
    expect(await visit.page.evaluate(() => (window as any).gkSameDocument), "reload: false").toBe(true);

    // The same choice again is no change: no event.
    await visit.page.evaluate(() => window.gatekeeper!.set(["functional"], { reload: false }));
    expect(await events(visit)).toHaveLength(1);

    // Newly allowing analytics reloads by default: its tags were removed from this page.
    await Promise.all([
      visit.page.waitForEvent("load"),
      visit.page.evaluate(() => window.gatekeeper!.set([...window.gatekeeper!.allowed, "analytics"])),
    ]);
    await visit.settle();
    const both = decidedBy(["analytics", "functional", "necessary"]);
    expect(await pageState(visit), "after the reload").toEqual(both);
    expect(await visit.page.evaluate(() => (window as any).gkSameDocument), "a new document").toBeUndefined();
    expect(gtagLoads(visit.requests).length, "gtag.js loads once analytics is allowed").toBeGreaterThan(0);
    await expect.poll(() => visit.cookieNames(), { message: "the analytics stub's cookie" }).toContain("_ga");

    // Withdrawal applies in place: no reload, one event, a Consent Mode update, cookies deleted.
    await visit.page.evaluate(() => {
      (window as any).gkSameDocument = true;
    });
    await visit.page.evaluate(() => window.gatekeeper!.set(["functional"]));
    const withdrawn = change(functional, [], ["analytics"], false);
    const recorded = await events(visit);
    expect(recorded).toEqual([
      { page: "/", detail: first },
      { page: "/", detail: change(both, ["analytics"], [], true) },
      { page: "/", detail: withdrawn },
    ]);
    expect(await visit.page.evaluate(() => (window as any).gkSameDocument), "no reload on withdrawal").toBe(true);
    const update = await visit.page.evaluate(() => {
      const layer = (window as any).dataLayer as ArrayLike<unknown>[];
      const last = layer[layer.length - 1]!;
      return { arguments: Object.prototype.toString.call(last) === "[object Arguments]", values: Array.from(last) };
    });
    expect(update.arguments, "pushed as gtag pushes: an Arguments object").toBe(true);
    expect(update.values).toEqual([
      "consent",
      "update",
      expect.objectContaining({ analytics_storage: "denied", functionality_storage: "granted", ad_storage: "denied" }),
    ]);
    await expect.poll(() => visit.cookieNames(), { message: "GA's cookies after withdrawal" }).not.toContain("_ga");
    printEvents("set()", recorded);
  });
});

test('"Reject all" applied in place fires gatekeeper:change too', async () => {
  const visit = await open();
  await visit.visit("/hinnasto");
  expect(await pageState(visit)).toEqual({ allowed: NECESSARY, decided: false, source: null, gpc: false });
  await visit.page.evaluate(() => {
    (window as any).gkSameDocument = true;
  });
  await bannerButton(visit.page, "none").click();
  await expect.poll(() => events(visit), { message: "the event after Reject all" }).toHaveLength(1);
  const recorded = await events(visit);
  expect(recorded).toEqual([{ page: "/hinnasto", detail: change(decidedBy(NECESSARY), [], [], false) }]);
  expect(await bannerForm(visit.page).count(), "the banner is gone").toBe(0);
  expect(await visit.page.evaluate(() => (window as any).gkSameDocument), "the same document").toBe(true);
  expect(await pageState(visit)).toEqual(decidedBy(NECESSARY));
  expect(await visit.consentedPurposes()).toEqual(NECESSARY);
  // Through the client API's post, not the banner's own fallback: its answer came back as the state.
  const consentCalls = visit.requests.filter((r) => r.url.pathname === "/__gk/consent");
  expect(consentCalls.map((r) => `${r.method} ${r.resourceType}`)).toEqual(["POST fetch", "GET fetch"]);
  printEvents('"Reject all"', recorded);
});

describe("under the origin's own Content-Security-Policy", () => {
  const NONCE = "c3RyaWN0LW5vbmNl";
  let origin: RecordingOrigin;
  beforeAll(async () => {
    origin = await recordingOrigin((req, res) => {
      const csp = req.url?.startsWith("/nonce")
        ? `script-src 'nonce-${NONCE}'; object-src 'none'; base-uri 'none'`
        : "script-src 'self'; object-src 'none'";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": csp });
      res.end(`<!doctype html><html lang="fi"><head><title>CSP</title>
<script nonce="${NONCE}">document.addEventListener("DOMContentLoaded", function () { window.siteSaw = window.gatekeeper ? window.gatekeeper.allowed.slice() : null; });</script>
</head><body><h1>Sivu</h1></body></html>`);
    });
  });
  afterAll(async () => {
    await origin?.close();
  });

  test("a strict nonce-based policy: the script runs under the page's nonce, and so do the banner and set()", async () => {
    const visit = await open();
    await visit.visit(origin.via("/nonce"));
    const element = visit.page.locator('script[data-gatekeeper][src^="/__gk/consent.js"]');
    // The browser hides a nonce from the DOM attribute once it has read it; the property keeps it.
    expect(await element.evaluate((el) => (el as HTMLScriptElement).nonce)).toBe(NONCE);
    expect(await pageState(visit)).toEqual({ allowed: NECESSARY, decided: false, source: null, gpc: false });
    expect(
      await visit.page.evaluate(() => (window as any).siteSaw),
      "the site's own script, at DOMContentLoaded",
    ).toEqual(NECESSARY);
    await bannerButton(visit.page, "none").click();
    await expect.poll(() => events(visit), { message: "Reject all under the nonce" }).toHaveLength(1);
    await visit.page.evaluate(() => window.gatekeeper!.set(["social"], { reload: false }));
    const recorded = await events(visit);
    const path = new URL(visit.url(origin.via("/nonce"))).pathname;
    expect(recorded).toEqual([
      { page: path, detail: change(decidedBy(NECESSARY), [], [], false) },
      { page: path, detail: change(decidedBy(["necessary", "social"]), ["social"], [], true) },
    ]);
    expect(await violations(visit), "CSP violations").toEqual([]);
    printEvents("strict nonce CSP", recorded);
  });

  test("script-src 'self' without a nonce: the included script still runs where inline ones cannot", async () => {
    const visit = await open();
    await visit.visit(origin.via("/self"));
    expect(await pageState(visit)).toEqual({ allowed: NECESSARY, decided: false, source: null, gpc: false });
    await visit.page.evaluate(() => window.gatekeeper!.set([], { reload: false }));
    const recorded = await events(visit);
    expect(recorded.map((r) => r.detail)).toEqual([change(decidedBy(NECESSARY), [], [], false)]);
    // The inline scripts (the page's own, the banner's) are what this policy blocks, and only they.
    const blocked = await violations(visit);
    expect(blocked.length, "inline scripts blocked").toBeGreaterThan(0);
    expect(
      blocked.filter((v) => !v.startsWith("script-src-elem inline")),
      "other violations",
    ).toEqual([]);
    expect(await visit.page.evaluate(() => (window as any).siteSaw), "the page's inline script").toBeUndefined();
    printEvents("script-src 'self'", recorded);
  });
});

describe("JavaScript off", () => {
  test("nothing changes: no script runs, and the banner and preferences still work as forms", async () => {
    const visit = await openVisit({ javaScriptEnabled: false });
    await visit.visit("/hinnasto");
    expect(
      await visit.page.locator('script[data-gatekeeper][src^="/__gk/consent.js"]').count(),
      "the element is in the page",
    ).toBe(1);
    expect(
      visit.requests.filter((r) => r.url.pathname === "/__gk/consent.js"),
      "but never fetched",
    ).toEqual([]);
    await bannerButton(visit.page, "none").click();
    await visit.page.waitForURL(visit.url("/hinnasto"));
    expect(await visit.consentedPurposes()).toEqual(NECESSARY);
    expect(await bannerForm(visit.page).count()).toBe(0);
    await visit.visit("/__gk/preferences?return=/hinnasto");
    await visit.page.locator("#gk-p-analytics").check();
    await Promise.all([
      visit.page.waitForURL(visit.url("/hinnasto")),
      visit.page.locator('button[form="gk-save"]').click(),
    ]);
    expect(await visit.consentedPurposes()).toEqual(["analytics", ...NECESSARY].sort());
    expect(visit.requests.filter((r) => r.url.pathname === "/__gk/consent.js")).toEqual([]);
  });
});
