/**
 * The banner's choices in a browser: "Accept all", "Reject all" and "Settings" work with JavaScript on and
 * off. Each choice starts on /hinnasto without consent, records the right purposes in the consent
 * cookie and comes back to /hinnasto. With JavaScript, "Reject all" is applied by the banner's
 * script without a page navigation; without it every choice is a form post and a 303 back.
 * "Settings" leads to /__gk/preferences, where a custom choice (analytics and social) is saved.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { bannerButton, bannerForm, requestsOf, show, thirdParty, Visit } from "./browser";
import { POLICY } from "./env";

const PAGE = "/hinnasto";
const ALL = [...POLICY.purposes].sort();
const NECESSARY = [...POLICY.required].sort();
const CUSTOM = ["analytics", "social"];

for (const javaScriptEnabled of [true, false]) {
  describe(`JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    let visit: Visit;
    /** Main-frame navigations, in order. */
    let navigations: string[] = [];
    beforeAll(async () => {
      visit = await Visit.open({ javaScriptEnabled });
      visit.page.on("framenavigated", (frame) => {
        if (frame === visit.page.mainFrame()) navigations.push(frame.url());
      });
    });
    afterAll(async () => {
      await visit?.close();
    });
    // One browser per mode; every choice starts from a visitor without consent.
    beforeEach(async () => {
      await visit.context.clearCookies();
      await visit.visit(PAGE);
      expect(await bannerForm(visit.page).count(), "the banner on a visit without consent").toBe(1);
      navigations = [];
    });

    /** The consent posts since a mark: how they were sent (document: a form post) and the answer's status. */
    function consentPosts(since: number) {
      return visit
        .since(since)
        .filter((r) => r.method === "POST" && r.url.pathname === "/__gk/consent")
        .map((r) => ({ type: r.resourceType, status: r.status }));
    }

    test("Accept all records every purpose and comes back to the page", async () => {
      const start = visit.mark();
      await bannerButton(visit.page, "all").click();
      await expect.poll(() => visit.consentedPurposes(), { message: "consent after Accept all" }).toEqual(ALL);
      await visit.page.waitForURL(visit.url(PAGE));
      await visit.settle();
      expect(consentPosts(start)).toEqual([{ type: "document", status: 303 }]);
      expect(navigations, "one navigation: the post and its redirect back").toEqual([visit.url(PAGE)]);
      expect(await bannerForm(visit.page).count(), "the banner after Accept all").toBe(0);
      if (javaScriptEnabled)
        expect(requestsOf(visit.since(start), "intercom").length, "the chat loads once accepted").toBeGreaterThan(0);
      else
        expect(await visit.page.content(), "Intercom's snippet kept in the page").toContain("window.intercomSettings");
    });

    test(`Reject all records only the necessary purpose and ${javaScriptEnabled ? "removes the banner without a navigation" : "comes back to the page"}`, async () => {
      const start = visit.mark();
      await visit.page.evaluate(() => {
        (window as any).gkSameDocument = true;
      });
      await bannerButton(visit.page, "none").click();
      await expect.poll(() => visit.consentedPurposes(), { message: "consent after Reject all" }).toEqual(NECESSARY);
      await expect.poll(() => bannerForm(visit.page).count(), { message: "the banner after Reject all" }).toBe(0);
      await visit.settle();
      if (javaScriptEnabled) {
        expect(navigations, "navigations after Reject all with JavaScript").toEqual([]);
        expect(await visit.page.evaluate(() => (window as any).gkSameDocument), "the same document").toBe(true);
        // A fetch (the client API's, or the banner's own before that has loaded), not a form post.
        expect(
          consentPosts(start).map((p) => p.type),
          "the banner script's fetch, not a form post",
        ).toEqual(["fetch"]);
      } else {
        expect(navigations, "one navigation: the post and its redirect back").toEqual([visit.url(PAGE)]);
        expect(consentPosts(start)).toEqual([{ type: "document", status: 303 }]);
      }
      expect(visit.page.url()).toBe(visit.url(PAGE));
      expect(show(thirdParty(visit.since(start))), "third-party requests after Reject all").toEqual([]);
      // And the choice holds on the next page.
      await visit.visit("/");
      expect(await bannerForm(visit.page).count(), "the banner on the next page").toBe(0);
      expect(show(thirdParty(visit.since(start)))).toEqual([]);
    });

    test("Settings leads to /__gk/preferences, and a custom choice saved there comes back to the page", async () => {
      const start = visit.mark();
      await visit.page.locator('#gk-banner a[href^="/__gk/preferences"]').click();
      await visit.page.waitForURL((url) => url.pathname === "/__gk/preferences");
      expect(new URL(visit.page.url()).searchParams.get("return"), "Settings passes the page to return to").toBe(PAGE);
      const boxes = visit.page.locator('form#gk-save input[type="checkbox"][name="allow"]');
      expect(await boxes.count(), "one checkbox per refusable purpose").toBe(ALL.length - NECESSARY.length);
      for (const box of await boxes.all()) expect(await box.isChecked(), "nothing is allowed yet").toBe(false);
      for (const purpose of CUSTOM) await visit.page.locator(`#gk-p-${purpose}`).check();
      await visit.page.locator('button[form="gk-save"]').click();
      await expect
        .poll(() => visit.consentedPurposes(), { message: "consent after saving a custom choice" })
        .toEqual([...CUSTOM, ...NECESSARY].sort());
      await visit.page.waitForURL(visit.url(PAGE));
      await visit.settle();
      expect(consentPosts(start)).toEqual([{ type: "document", status: 303 }]);
      expect(navigations, "to the preferences page, then the post's redirect back").toEqual([
        visit.url(`/__gk/preferences?return=${encodeURIComponent(PAGE)}`),
        visit.url(PAGE),
      ]);
      expect(await bannerForm(visit.page).count(), "the banner after saving").toBe(0);
      // The edge applies the choice: Elfsight (social) stays, Intercom (functional) is removed.
      const page = visit.page;
      expect(await page.locator('script[src*="static.elfsight.com"]').count(), "Elfsight's script").toBeGreaterThan(0);
      expect(await page.content(), "Intercom's snippet").not.toContain("intercomSettings");
      if (javaScriptEnabled) {
        const after = visit.since(start);
        expect(requestsOf(after, "elfsight").length, "Elfsight requests").toBeGreaterThan(0);
        expect(show(requestsOf(after, "intercom")), "Intercom requests").toEqual([]);
        expect(show(requestsOf(after, "google-tag-manager")), "GTM requests").toEqual([]);
      }
    });
  });
}
