/**
 * Scenario 3 with first-party analytics: with only analytics allowed, gtag.js is served
 * first-party from /__gk/ga/gtag/js and GA4 hits go to /__gk/ga/g/collect, so the page contacts no
 * Google host at all. Without first-party analytics this fails, saying what is missing. (Scenario 3 in
 * scenarios.test.ts checks what holds either way: gtag loads, nothing else does.)
 */
import { afterEach, expect, test } from "vitest";
import { giveConsent, report, show, siteOrigin, thirdParty, upstreamRecords, Visit } from "./browser";
import { isGoogleHost } from "./vendors";

let current: Visit | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

test("3. analytics only, first-party: no Google host is contacted; hits arrive at /__gk/ga/g/collect", async () => {
  const visit = await Visit.open();
  current = visit;
  await visit.visit("/");
  const start = visit.mark();
  await giveConsent(visit, ["analytics"]);
  await visit.settle();
  const firstParty = (path: string) =>
    visit.since(start).filter((r) => r.url.origin === siteOrigin() && r.url.pathname === path);

  expect(
    show(thirdParty(visit.since(start)).filter((r) => isGoogleHost(r.url.hostname))),
    "Google hosts contacted with analytics allowed: gtag.js and its hits must be first-party under /__gk/ga",
  ).toEqual([]);
  expect(
    firstParty("/__gk/ga/gtag/js").map((r) => r.status),
    "gtag.js loaded from /__gk/ga/gtag/js with 200",
  ).toEqual([200]);
  await expect
    .poll(() => firstParty("/__gk/ga/g/collect").filter((r) => r.status !== undefined && r.status < 300).length, {
      message: "no GA4 hit answered 2xx at /__gk/ga/g/collect",
    })
    .toBeGreaterThan(0);
  // Nor did the browser connect to one outside request routing (GTM's preconnect hint is gone too).
  expect(visit.escapedToVendors(), "connections to vendor hosts").toEqual([]);
  // The edge forwarded them to Google (the upstream stand-in), and fetched gtag.js there.
  const upstream = await upstreamRecords();
  expect(upstream.filter((r) => r.host === "www.googletagmanager.com" && r.path === "/gtag/js").length).toBeGreaterThan(
    0,
  );
  const hits = upstream.filter((r) => r.path === "/g/collect" && `${r.query}\n${r.body}`.includes("tid=G-DEMO12345"));
  expect(hits.length, "GA4 hits the edge forwarded upstream").toBeGreaterThan(0);
  for (const hit of hits) expect(hit.headers.cookie, "the visitor's cookies forwarded to Google").toBeUndefined();
  report("3 analytics only, first-party (/)", visit.since(start), await visit.cookieNames());
});
