/**
 * Proof in a real browser that the browser never contacts a vendor the visitor has not
 * allowed. Each scenario asserts on every request the page made (route-fulfilled ones included)
 * and every cookie in the browser, and prints its counts ("[browser] ...").
 *
 * Consent is given through the banner when the page has one, else through the contract's
 * plain form (`POST /__gk/consent`) posted from a same-origin page; see giveConsent.
 * The banner and /__gk/preferences themselves are checked in consent-ui.test.ts, first-party
 * analytics in first-party-analytics.test.ts.
 */
import { afterEach, expect, test } from "vitest";
import {
  byVendor,
  gaHits,
  giveConsent,
  gtagLoads,
  type RecordedRequest,
  report,
  requestsOf,
  show,
  siteOrigin,
  thirdParty,
  unnecessaryCookies,
  Visit,
  type VisitOptions,
} from "./browser";
import { PARENT_DOMAIN, POLICY } from "./env";
import { PURPOSE_OF, type VendorId, vendorOf } from "./vendors";

let current: Visit | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});
async function open(options?: VisitOptions): Promise<Visit> {
  current = await Visit.open(options);
  return current;
}

const ALL = [...POLICY.purposes].sort();
const NECESSARY = [...POLICY.required].sort();
const VENDORS = Object.keys(PURPOSE_OF) as VendorId[];
const vendorsOf = (purpose: string) => VENDORS.filter((v) => PURPOSE_OF[v] === purpose);

async function expectNoThirdParty(visit: Visit, requests: RecordedRequest[], when: string) {
  expect(show(thirdParty(requests)), `third-party requests ${when}`).toEqual([]);
  expect(await unnecessaryCookies(visit), `cookies other than the necessary ones ${when}`).toEqual([]);
  expect(visit.escapedToVendors(), `connections to vendor hosts ${when}`).toEqual([]);
}

test("1. first visit without consent: no third-party request, only necessary cookies", async () => {
  const visit = await open();
  const response = await visit.visit("/");
  expect(response?.status()).toBe(200);
  expect(await visit.page.title()).toContain("Kevyt Pankki Demo");
  // The page is really there: its own script ran and its stylesheet loaded.
  expect(visit.requests.some((r) => r.url.pathname === "/assets/site.css" && r.status === 200)).toBe(true);
  expect(await visit.page.locator("[data-consent-list] li").count(), "app.js filled the site's own list").toBe(4);
  // ... but no vendor code is on it.
  expect(
    await visit.page.evaluate(() => {
      const w = window as any;
      return {
        gtmStarted: (w.dataLayer ?? []).some((entry: any) => entry?.["gtm.start"] !== undefined),
        gtagConfigured: (w.dataLayer ?? []).some((entry: any) => entry?.[0] === "config"),
        // The gatekeeper's inert stand-in (src/ui/stand-ins.ts), not the snippet's queue (which has
        // `c`) nor the widget (`booted`).
        Intercom:
          typeof w.Intercom === "function" && !("c" in w.Intercom) && !w.Intercom.booted
            ? "inert stand-in"
            : typeof w.Intercom,
        intercomSettings: typeof w.intercomSettings,
      };
    }),
  ).toEqual({ gtmStarted: false, gtagConfigured: false, Intercom: "inert stand-in", intercomSettings: "undefined" });
  await visit.visit("/hinnasto");
  // An error page is HTML too (the demo's 404 carries the GTM snippet).
  expect((await visit.visit("/ei-ole-olemassa"))?.status()).toBe(404);

  await expectNoThirdParty(visit, visit.requests, "before consent");
  const cookies = await visit.cookieNames();
  expect(cookies, "the origin's load-balancer cookie (necessary) is kept").toContain("AWSALB");
  expect(await visit.consentCookie()).toBeNull();
  report("1 first visit, no consent (/, /hinnasto, 404)", visit.requests, cookies);
});

test("2. reject all: no third-party request on the same page or after navigating", async () => {
  const visit = await open();
  await visit.visit("/");
  const start = visit.mark();
  const via = await giveConsent(visit, ["none"]);
  await visit.settle();
  expect(await visit.consentedPurposes()).toEqual(NECESSARY);
  await expectNoThirdParty(visit, visit.since(start), "after rejecting all");

  await visit.visit("/hinnasto");
  await visit.page.locator('a[href="/"]').first().click();
  await visit.settle();
  expect(new URL(visit.page.url()).pathname).toBe("/");
  // Logging in (the site's own form, POST /login -> 303) sets the necessary session cookie.
  await visit.page.locator('.login-form input[name="email"]').fill("testi@esimerkki.fi");
  await visit.page.locator('.login-form input[name="password"]').fill("salasana");
  await visit.page.locator('.login-form button[type="submit"]').click();
  await visit.page.waitForURL(/kirjautunut=1/);
  await visit.settle();
  expect(await visit.cookieNames()).toContain("session");
  await expectNoThirdParty(visit, visit.requests, "after rejecting all and navigating");
  report(`2 reject all via ${via} (/, /hinnasto, /, login)`, visit.requests, await visit.cookieNames());
});

test("3. analytics only: gtag.js loads and sends its hit; GTM, Intercom, Elfsight and marketing make no request", async () => {
  const visit = await open();
  await visit.visit("/");
  const start = visit.mark();
  await giveConsent(visit, ["analytics"]);
  await visit.settle();
  expect(await visit.consentedPurposes()).toEqual(["analytics", ...NECESSARY].sort());

  await expect.poll(() => gaHits(visit.since(start)).length, { message: "no GA4 page_view hit" }).toBe(1);
  expect(gtagLoads(visit.since(start))).toHaveLength(1);
  await visit.visit("/hinnasto");
  const after = visit.since(start);
  expect(gaHits(after)).toHaveLength(2);

  for (const vendor of VENDORS.filter((v) => v !== "google-analytics"))
    expect(show(requestsOf(after, vendor)), `${vendor} requests with only analytics allowed`).toEqual([]);
  expect(
    show(thirdParty(after).filter((r) => vendorOf(r.url) === null)),
    "third-party requests to no known vendor",
  ).toEqual([]);
  const cookies = await visit.context.cookies();
  expect(await unnecessaryCookies(visit), "GA's cookies, and nothing else beyond the necessary").toEqual([
    "_ga",
    "_ga_DEMO12345",
  ]);
  expect(cookies.find((c) => c.name === "_ga")?.domain, "_ga on the parent domain, as gtag.js sets it").toBe(
    PARENT_DOMAIN,
  );
  expect(visit.escapedToVendors()).toEqual([]);
  report("3 analytics only (/, /hinnasto)", after, await visit.cookieNames());
});

test("4. accept all: every vendor stub is requested and sets its cookies", async () => {
  const visit = await open();
  await visit.visit("/");
  const start = visit.mark();
  const via = await giveConsent(visit, ["all"]);
  await visit.settle();
  expect(await visit.consentedPurposes()).toEqual(ALL);

  // Google Analytics may be first-party (/__gk/ga); every other vendor is contacted on its own host.
  const expected = VENDORS.filter((v) => v !== "google-analytics").sort();
  await expect
    .poll(() => expected.filter((v) => !(byVendor(visit.since(start))[v] ?? 0)), { message: "vendors never requested" })
    .toEqual([]);
  await expect.poll(() => gaHits(visit.since(start)).length, { message: "no GA4 page_view hit" }).toBe(1);
  const after = visit.since(start);
  expect(gtagLoads(after)).toHaveLength(1);
  const paths = new Set(thirdParty(after).map((r) => `${r.url.hostname}${r.url.pathname}`));
  for (const path of [
    "www.googletagmanager.com/gtm.js",
    "googleads.g.doubleclick.net/pagead/viewthroughconversion/111111111/",
    "connect.facebook.net/en_US/fbevents.js",
    "www.facebook.com/tr/",
    "snap.licdn.com/li.lms-analytics/insight.min.js",
    "px.ads.linkedin.com/collect",
    "widget.intercom.io/widget/demoapp1",
    "api-iam.intercom.io/messenger/web/ping",
    "js.intercomcdn.com/frame-modern.stub.js",
    "static.elfsight.com/platform/platform.js",
    "core.service.elfsight.com/p/boot/",
  ])
    expect(paths, `${path} was not requested`).toContain(path);

  const cookies = await visit.context.cookies();
  for (const name of [
    "_ga",
    "_ga_DEMO12345",
    "_gcl_au",
    "_fbp",
    "intercom-id-demoapp1",
    "intercom-session-demoapp1",
    "intercom-device-id-demoapp1",
  ])
    expect(cookies.find((c) => c.name === name)?.domain, `${name} on the parent domain`).toBe(PARENT_DOMAIN);
  // The page's <link rel=preconnect> hints stay with consent, and Chromium acts on them: these are
  // the only connections that bypass request routing, and they show the sinkhole would catch a
  // preconnect that the gatekeeper had let through without consent.
  await expect
    .poll(() => [...new Set(visit.escapedToVendors())].sort(), { message: "preconnects seen by the sinkhole" })
    .toEqual(["static.elfsight.com", "www.googletagmanager.com"]);
  report(`4 accept all via ${via} (/)`, after, await visit.cookieNames());
});

test("6. JavaScript disabled: no third-party request, and the form post still records consent", async () => {
  const visit = await open({ javaScriptEnabled: false });
  await visit.visit("/");
  // With scripting off the browser parses <noscript>: the GTM iframe in it must be gone too.
  await expectNoThirdParty(visit, visit.requests, "before consent, JavaScript off");
  const cookiesBefore = await visit.cookieNames();
  const start = visit.mark();
  const via = await giveConsent(visit, ["all"]);
  await visit.settle();
  expect(await visit.consentedPurposes()).toEqual(ALL);
  // Marketing allowed: the <noscript> GTM iframe is kept, and this browser loads it. No script runs.
  const after = visit.since(start);
  expect(requestsOf(after, "google-tag-manager").map((r) => r.url.pathname)).toEqual(["/ns.html"]);
  expect(show(thirdParty(after).filter((r) => r.resourceType === "script"))).toEqual([]);
  expect(await unnecessaryCookies(visit), "no script ran, so no vendor cookie").toEqual([]);
  report("6 JavaScript off, before consent (/)", visit.requests.slice(0, start), cookiesBefore);
  report(`6 JavaScript off, accept all via ${via} (/)`, after, await visit.cookieNames());
});

test("7. Sec-GPC: 1: after accept all, marketing stays off and everything else loads", async () => {
  const visit = await open({ extraHTTPHeaders: { "Sec-GPC": "1" } });
  await visit.visit("/");
  await expectNoThirdParty(visit, visit.requests, "before consent, with Sec-GPC: 1");
  const start = visit.mark();
  const via = await giveConsent(visit, ["all"]);
  await visit.settle();
  // The cookie records what the visitor chose; GPC refuses marketing at the edge whatever it says.
  expect(await visit.consentedPurposes()).toEqual(ALL);

  const allowed = VENDORS.filter((v) => PURPOSE_OF[v] !== "marketing" && v !== "google-analytics");
  await expect
    .poll(() => allowed.filter((v) => !(byVendor(visit.since(start))[v] ?? 0)), { message: "vendors never requested" })
    .toEqual([]);
  await expect.poll(() => gaHits(visit.since(start)).length, { message: "no GA4 page_view hit" }).toBe(1);
  await visit.visit("/hinnasto");
  const after = visit.since(start);
  for (const vendor of vendorsOf("marketing"))
    expect(show(requestsOf(after, vendor)), `${vendor} requests with Sec-GPC: 1`).toEqual([]);
  const names = await visit.cookieNames();
  expect(
    names.filter((n) => n.startsWith("_gcl") || n === "_fbp"),
    "marketing cookies",
  ).toEqual([]);
  expect(names).toEqual(expect.arrayContaining(["_ga", "intercom-id-demoapp1"]));
  // GTM's preconnect hint is gone with marketing (www.googletagmanager.com needs it), Elfsight's stays.
  await expect
    .poll(() => [...new Set(visit.escapedToVendors())], { message: "preconnects seen by the sinkhole" })
    .toEqual(["static.elfsight.com"]);
  report(`7 Sec-GPC: 1, accept all via ${via} (/, /hinnasto)`, after, names);
});

test("the suite's own check: a vendor tag injected at runtime is recorded, stubbed and counted", async () => {
  // Guards the guard: a vendor request the page makes shows up as third-party, is answered by the
  // stub (which sets its cookies), and is attributed to its vendor.
  const visit = await open();
  await visit.visit("/");
  await visit.page.evaluate(() => {
    const s = document.createElement("script");
    s.src = "https://www.googletagmanager.com/gtm.js?id=GTM-INJECTED";
    document.head.append(s);
  });
  // The container's own follow-up requests come after the page went network-idle, and
  // waitForLoadState does not wait again for a state already reached: poll for them instead.
  await expect
    .poll(() => show(thirdParty(visit.requests)))
    .toContain("GET https://www.googletagmanager.com/gtm.js?id=GTM-INJECTED");
  await expect
    .poll(() => byVendor(visit.requests))
    .toMatchObject({ "google-tag-manager": 1, "meta-pixel": 2, "linkedin-insight": 2 });
  await expect.poll(() => visit.cookieNames()).toEqual(expect.arrayContaining(["_gcl_au", "_fbp"]));
  expect(siteOrigin()).toMatch(/^http:\/\/www\.kevytpankki\.test:\d+$/);
});
