/**
 * Snapshots of what visitors read: the banner, the preferences page and the cookie declaration,
 * in each language. A wording or markup change shows up here for review.
 */
import { describe, expect, it } from "vitest";
import { activatePolicy } from "../../src/policy/active";
import { BANNER_SCRIPT, renderBanner } from "../../src/ui/banner";
import { textsFor } from "../../src/ui/texts";
import { consentCookie, html, makeGate, SHIPPED } from "../helpers/gate";

const site = activatePolicy(SHIPPED).policy.sites[0]!;

describe.each(site.languages)("in %s", (lang) => {
  it("the banner", () => {
    expect(renderBanner({ texts: textsFor(site, lang), lang, returnTo: "/hinnasto?a=1&b=<x>" })).toMatchSnapshot();
  });
  it("the preferences page", async () => {
    const { request } = makeGate(() => html(""));
    const res = await request(`/__gk/preferences?lang=${lang}`, { headers: { cookie: consentCookie(["analytics"]) } });
    expect(await res.text()).toMatchSnapshot();
  });
  it("the cookie declaration", async () => {
    const { request } = makeGate(() => html(""));
    expect(await (await request(`/__gk/cookies?lang=${lang}`)).text()).toMatchSnapshot();
  });
});

it("the banner escapes what it is given", () => {
  const out = renderBanner({ texts: textsFor(site, "fi"), lang: "fi", returnTo: '/"><script>alert(1)</script>' });
  expect(out).not.toContain("<script>alert");
  expect(out).toContain('value="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  expect(out.split("<script").length - 1).toBe(1);
  expect(out).toContain(BANNER_SCRIPT);
});
