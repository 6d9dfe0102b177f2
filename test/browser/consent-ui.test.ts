/**
 * The browser's checks of the consent experience, against the contract: the banner is an
 * element marked `data-gatekeeper` holding `<form method=post action=/__gk/consent>` with
 * `allow=all` and `allow=none` buttons; `/__gk/preferences` is a page that changes or withdraws
 * consent without JavaScript. Without the consent experience these fail, saying what is missing.
 * Screenshots of the banner (fi, en) and the preferences page go to docs/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import {
  bannerButton,
  bannerForm,
  gaHits,
  giveConsent,
  report,
  requestsOf,
  show,
  thirdParty,
  unnecessaryCookies,
  type Visit,
  visitsClosedAfterEach,
} from "./browser";
import { PARENT_DOMAIN, POLICY, SCREENSHOTS } from "./env";

const open = visitsClosedAfterEach();

const NO_BANNER =
  "no consent banner on a first visit: expected an element with data-gatekeeper holding " +
  '<form method="post" action="/__gk/consent"> with buttons name=allow value=all and value=none ' +
  "(the contract)";

async function expectBanner(visit: Visit) {
  expect(await bannerForm(visit.page).count(), NO_BANNER).toBe(1);
  await expect
    .poll(() => bannerForm(visit.page).isVisible(), { message: "the banner is not visible", timeout: 2_000 })
    .toBe(true);
}

function screenshot(visit: Visit, name: string, fullPage = false) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return visit.page.screenshot({ path: join(SCREENSHOTS, name), fullPage });
}

/** The text of the banner: its form's nearest data-gatekeeper container. */
const bannerText = (visit: Visit) =>
  bannerForm(visit.page).evaluate((form) => form.closest("[data-gatekeeper]")?.textContent ?? "");

test("1. banner: shown on a first visit, Finnish by default and English for Accept-Language: en", async () => {
  const fi = await open({ locale: "fi-FI" });
  await fi.visit("/");
  await expectBanner(fi);
  const finnish = await bannerText(fi);
  expect(finnish, "the Finnish banner").toMatch(/eväste|hyväksy|hylkää|suostum/i);
  await screenshot(fi, "banner-fi.png");
  expect(show(thirdParty(fi.requests)), "third-party requests while the banner shows").toEqual([]);

  const en = await open({ locale: "en-GB" });
  await en.visit("/");
  await expectBanner(en);
  const english = await bannerText(en);
  expect(english, "the English banner").toMatch(/cookie|consent|accept|reject/i);
  expect(english, "the banner in English differs from the Finnish one").not.toBe(finnish);
  await screenshot(en, "banner-en.png");

  const other = await open({ locale: "de-DE" });
  await other.visit("/");
  await expectBanner(other);
  expect(await bannerText(other), "a language the policy has no text for falls back to Finnish").toBe(finnish);
});

test("1. banner: operable with the keyboard alone, and gone once the visitor has chosen", async () => {
  const visit = await open();
  await visit.visit("/");
  await expectBanner(visit);
  const reject = bannerButton(visit.page, "none").first();
  let focused = false;
  for (let i = 0; i < 100 && !focused; i++) {
    await visit.page.keyboard.press("Tab");
    focused = await reject.evaluate((el) => el === document.activeElement);
  }
  expect(focused, "Tab never reached the banner's reject-all button").toBe(true);
  await visit.page.keyboard.press("Enter");
  await expect
    .poll(() => visit.consentedPurposes(), { message: "Enter on reject-all recorded no consent" })
    .toEqual([...POLICY.required].sort());
  await visit.visit("/");
  expect(await bannerForm(visit.page).count(), "the banner shows again after a valid choice").toBe(0);
  expect(show(thirdParty(visit.requests))).toEqual([]);
  report("1 banner, keyboard reject (/, /)", visit.requests, await visit.cookieNames());
});

test("6. banner with JavaScript disabled: its accept-all form post records consent", async () => {
  const visit = await open({ javaScriptEnabled: false });
  await visit.visit("/");
  await expectBanner(visit);
  await bannerButton(visit.page, "all").first().click();
  await expect
    .poll(() => visit.consentedPurposes(), { message: "accept-all without JavaScript recorded no consent" })
    .toEqual([...POLICY.purposes].sort());
  await visit.settle();
  expect(await bannerForm(visit.page).count(), "the banner after accepting").toBe(0);
});

test("5. withdrawal via /__gk/preferences: vendor cookies are deleted and vendors stay away", async () => {
  const visit = await open();
  await visit.visit("/");
  await giveConsent(visit, ["all"]);
  await visit.settle();
  const vendorCookies = [
    "_ga",
    "_ga_DEMO12345",
    "_gcl_au",
    "_fbp",
    "intercom-id-demoapp1",
    "intercom-session-demoapp1",
    "intercom-device-id-demoapp1",
  ];
  await expect
    .poll(() => visit.cookieNames(), { message: "the vendor stubs did not set their cookies" })
    .toEqual(expect.arrayContaining(vendorCookies));
  expect((await visit.context.cookies()).find((c) => c.name === "_ga")?.domain).toBe(PARENT_DOMAIN);

  const response = await visit.visit("/__gk/preferences");
  expect(response?.status(), "GET /__gk/preferences (the contract)").toBe(200);
  await screenshot(visit, "preferences-fi.png", true);
  // The per-purpose form: it shows the current state (everything on), and unticking every purpose
  // and saving withdraws consent.
  const form = visit.page.locator(
    'form[method="post" i][action*="/__gk/consent"]:has(input[type="checkbox"][name="allow"])',
  );
  expect(
    await form.count(),
    'the preferences page has no <form method="post" action="/__gk/consent"> with a checkbox name=allow per purpose',
  ).toBe(1);
  const boxes = await form.locator('input[type="checkbox"][name="allow"]:not([disabled])').all();
  expect(boxes.length, "one checkbox per refusable purpose").toBe(POLICY.purposes.length - POLICY.required.length);
  for (const box of boxes) expect(await box.isChecked(), "the page shows the current consent (all on)").toBe(true);
  for (const box of boxes) await box.uncheck();
  const id = await form.getAttribute("id");
  const save = form
    .locator('button:not([type="button"]):not([type="reset"]):not([name]), input[type="submit"]:not([name])')
    .or(visit.page.locator(`:is(button, input[type="submit"])[form="${id}"]:not([name])`));
  await save.first().click();
  await expect
    .poll(() => visit.consentedPurposes(), { message: "withdrawing on /__gk/preferences recorded no refusal" })
    .toEqual([...POLICY.required].sort());
  await visit.settle();
  expect(await unnecessaryCookies(visit), "vendor cookies left after withdrawal").toEqual([]);

  const start = visit.mark();
  await visit.visit("/");
  expect(show(thirdParty(visit.since(start))), "third-party requests after withdrawal").toEqual([]);
  expect(await unnecessaryCookies(visit)).toEqual([]);
  report("5 withdraw via /__gk/preferences, then (/)", visit.since(start), await visit.cookieNames());
});

test("placeholder: allowing the Instagram feed where it was keeps earlier consent and loads the feed", async () => {
  const visit = await open();
  await visit.visit("/");
  await giveConsent(visit, ["analytics"]);
  await visit.settle();
  const form = visit.page.locator('section.instagram [data-gatekeeper] form[method="post" i][action*="/__gk/consent"]');
  expect(await form.count(), "no data-gatekeeper placeholder with a one-click allow where the Elfsight feed was").toBe(
    1,
  );
  const start = visit.mark();
  await form.locator('button, input[type="submit"]').first().click();
  await expect
    .poll(() => visit.consentedPurposes(), { message: "the placeholder's allow" })
    .toEqual(["analytics", ...POLICY.required, "social"].sort());
  await visit.settle();
  const after = visit.since(start);
  expect(requestsOf(after, "elfsight").length, "Elfsight requests after allowing it").toBeGreaterThan(0);
  expect(gaHits(after), "analytics, allowed before, still runs").toHaveLength(1);
  for (const vendor of ["intercom", "google-tag-manager", "meta-pixel"] as const)
    expect(show(requestsOf(after, vendor)), `${vendor} requests`).toEqual([]);
  report("placeholder: allow social after analytics (/)", after, await visit.cookieNames());
});
