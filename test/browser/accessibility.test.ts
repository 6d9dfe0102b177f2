/**
 * The consent experience's "an accessible dialog ... passes axe checks", in a real browser: axe-core (axe.ts) on
 * the banner of the demo home page (fi, en) and on /__gk/preferences and /__gk/cookies (fi, sv,
 * en), and the banner's keyboard path: focus on the dialog at load, then Tab reaches "Accept all",
 * "Reject all" and "Settings" in that order, each with a visible focus outline.
 */

import type { Page } from "playwright-core";
import { expect, test } from "vitest";
import { axeViolations, describeViolations } from "./axe";
import { visitsClosedAfterEach } from "./browser";

const open = visitsClosedAfterEach();

const GATEKEEPER = "[data-gatekeeper]";

test("axe: the banner has no violations in fi and en, nor does any gatekeeper element on the page", async () => {
  let page: Page | undefined;
  for (const [lang, locale] of [
    ["fi", "fi-FI"],
    ["en", "en-GB"],
  ] as const) {
    const visit = await open({ locale });
    page = visit.page;
    const response = await visit.visit("/");
    // axe goes in as a script tag: the page's CSP (ours) is report-only, and the demo origin sends none.
    const headers = response?.headers() ?? {};
    expect(headers["content-security-policy"], "an enforced CSP on the demo page").toBeUndefined();
    expect(headers["content-security-policy-report-only"]).toContain("script-src");
    expect(await page.locator("#gk-banner").getAttribute("lang"), "the banner's language").toBe(lang);

    const banner = await axeViolations(page, { scope: "#gk-banner" });
    expect(describeViolations(banner), `axe violations in the ${lang} banner`).toEqual([]);
    const whole = await axeViolations(page, { within: GATEKEEPER });
    expect(describeViolations(whole), `axe violations in data-gatekeeper elements of the ${lang} page`).toEqual([]);
  }

  // Guards the guard: a nameless button put into the banner is found, by both runs.
  if (!page) throw new Error("no page");
  await page.evaluate(() => document.querySelector("#gk-banner .gk-actions")?.append(document.createElement("button")));
  expect((await axeViolations(page, { scope: "#gk-banner" })).map((v) => v.id)).toContain("button-name");
  expect((await axeViolations(page, { within: GATEKEEPER })).map((v) => v.id)).toContain("button-name");
});

test("axe: /__gk/preferences and /__gk/cookies have no violations in fi, sv and en", async () => {
  // Our own pages send an enforced `default-src 'none'` CSP, which would refuse axe's script tag.
  const visit = await open({ bypassCSP: true });
  const { page } = visit;
  const checked: string[] = [];
  for (const lang of ["fi", "sv", "en"] as const) {
    for (const path of ["/__gk/preferences", "/__gk/cookies"]) {
      // No script and nothing to fetch on these pages: `load` is enough.
      const response = await page.goto(visit.url(`${path}?lang=${lang}`));
      expect(response?.status(), `GET ${path}`).toBe(200);
      expect(response?.headers()["content-security-policy"], `${path}'s own CSP`).toContain("default-src 'none'");
      expect(await page.locator("html").getAttribute("lang"), `${path}?lang=${lang}`).toBe(lang);
      const violations = await axeViolations(page);
      expect(describeViolations(violations), `axe violations on ${path}?lang=${lang}`).toEqual([]);
      checked.push(`${path}?lang=${lang}`);
    }
  }
  expect(checked).toHaveLength(6);
  // The preferences page really was the form (not an error page that happens to pass).
  await page.goto(visit.url("/__gk/preferences?lang=en"));
  expect(await page.locator('form#gk-save input[type="checkbox"][name="allow"]').count()).toBeGreaterThan(0);
});

test("keyboard: the banner takes focus at load, then Tab reaches Accept all, Reject all, Settings with a visible focus", async () => {
  const visit = await open();
  const { page } = visit;
  await visit.visit("/");
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.id), { message: "the banner is not focused at load" })
    .toBe("gk-banner");

  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const style = getComputedStyle(el);
      return {
        inBanner: el.closest("#gk-banner") !== null,
        control:
          el.tagName === "A"
            ? `link ${new URL((el as HTMLAnchorElement).href).pathname}`
            : `${el.tagName.toLowerCase()} ${el.getAttribute("name")}=${el.getAttribute("value")}`,
        text: el.textContent?.trim() ?? "",
        focusVisible: el.matches(":focus-visible"),
        outline: `${style.outlineStyle} ${Number.parseFloat(style.outlineWidth)}`,
      };
    });
  const unfocusedOutline = await page
    .locator("#gk-banner button")
    .first()
    .evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(unfocusedOutline, "the buttons have no outline until focused").toBe("none");

  const order = [];
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    order.push(await focused());
  }
  expect(order.map((f) => f && { inBanner: f.inBanner, control: f.control, text: f.text })).toEqual([
    { inBanner: true, control: "button allow=all", text: "Hyväksy kaikki" },
    { inBanner: true, control: "button allow=none", text: "Hylkää kaikki" },
    { inBanner: true, control: "link /__gk/preferences", text: "Asetukset" },
  ]);
  for (const f of order) {
    expect(f?.focusVisible, `${f?.text}: keyboard focus matches :focus-visible`).toBe(true);
    const [style, width] = f!.outline.split(" ");
    expect(style, `${f?.text}: focus outline style`).not.toBe("none");
    expect(Number(width), `${f?.text}: focus outline width (px)`).toBeGreaterThanOrEqual(2);
  }
});
