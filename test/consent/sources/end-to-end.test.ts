/**
 * The whole worker (makeGate: the real app and the test policy, an injected origin): each
 * consent source alone and in combination removes exactly the tags of the purposes it does not
 * allow, and a choice posted to the gatekeeper then overrides every other consent manager.
 */
import { describe, expect, it } from "vitest";
import { html, makeGate, stripInjected } from "../../helpers/gate";
import { ALLOWS, SOURCES } from "./combos";
import { COOKIEBOT, ONETRUST } from "./fixtures";

/** One tag per optional purpose of the test policy. */
const TAGS: Record<string, string> = {
  functional: '<script src="https://widget.intercom.io/widget/demoapp1"></script>',
  analytics: '<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345"></script>',
  marketing: '<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123"></script>',
  social: '<script src="https://static.elfsight.com/platform/platform.js" async></script>',
};
/** What shows a purpose's tag survived; gtag.js may be re-pointed first-party (/__gk/ga/gtag/js). */
const MARKS: Record<string, string> = {
  functional: "widget.intercom.io/widget/demoapp1",
  analytics: "gtag/js?id=G-DEMO12345",
  marketing: "www.googletagmanager.com/gtm.js?id=GTM-DEMO123",
  social: "static.elfsight.com/platform/platform.js",
};
const PAGE = `<!doctype html><html><head>${TAGS.analytics}${TAGS.marketing}</head><body><main>Kevyt</main>${TAGS.functional}${TAGS.social}</body></html>`;

async function tagsKept(cookie: string, extra: Record<string, string> = {}): Promise<string[]> {
  const { request } = makeGate(() => html(PAGE));
  const res = await request("/", { headers: { cookie, ...extra } });
  const page = await stripInjected(await res.text());
  return Object.entries(MARKS)
    .filter(([, mark]) => page.includes(mark))
    .map(([purpose]) => purpose)
    .sort();
}
const optional = (allowed: string[]) => allowed.filter((p) => p !== "necessary");

describe("each source alone", () => {
  it.each(Object.keys(SOURCES) as Array<keyof typeof SOURCES>)("%s", async (name) => {
    expect(await tagsKept(SOURCES[name])).toEqual(optional(ALLOWS[name]));
  });

  it("no source at all: every vendor tag is removed", async () => {
    expect(await tagsKept("session=abc")).toEqual([]);
  });
});

describe("sources in combination", () => {
  it.each([
    ["gatekeeper + every other source", Object.values(SOURCES).join("; "), ALLOWS.gatekeeper],
    [
      "cookiebot + onetrust + tcf + cookieconsent",
      [SOURCES.cookieconsent, SOURCES.tcf, SOURCES.onetrust, SOURCES.cookiebot].join("; "),
      ALLOWS.cookiebot,
    ],
    ["onetrust + tcf", `${SOURCES.tcf}; ${SOURCES.onetrust}`, ALLOWS.onetrust],
    ["tcf + cookieconsent", `${SOURCES.cookieconsent}; ${SOURCES.tcf}`, ALLOWS.tcf],
    [
      "a garbled gatekeeper cookie + cookieconsent",
      `gk_consent=garbled; ${SOURCES.cookieconsent}`,
      ALLOWS.cookieconsent,
    ],
    ["Cookiebot -1 + tcf", `CookieConsent=${COOKIEBOT.notRequired}; ${SOURCES.tcf}`, ALLOWS.tcf],
    ["Cookiebot declined (0) + tcf", `CookieConsent=${COOKIEBOT.declined}; ${SOURCES.tcf}`, ["necessary"]],
    [
      "OneTrust without interaction (live) + cookieconsent",
      `OptanonConsent=${ONETRUST.noInteraction.value}; ${SOURCES.cookieconsent}`,
      ALLOWS.cookieconsent,
    ],
  ])("%s", async (_name, cookie, allowed) => {
    expect(await tagsKept(cookie)).toEqual(optional(allowed));
  });

  it("Sec-GPC: 1 removes marketing whichever source allowed it", async () => {
    expect(await tagsKept(SOURCES.onetrust, { "sec-gpc": "1" })).toEqual([]);
    expect(await tagsKept(SOURCES.cookieconsent, { "sec-gpc": "1" })).toEqual(["social"]);
  });

  it("a banner shows only when no source decided", async () => {
    const { request } = makeGate(() => html(PAGE));
    const banner = async (cookie: string) =>
      (await (await request("/", { headers: { cookie } })).text()).includes('id="gk-banner"');
    expect(await banner(SOURCES.tcf)).toBe(false);
    expect(await banner(`CookieConsent=${COOKIEBOT.notRequired}`)).toBe(true);
  });
});

describe("withdrawal on the gatekeeper's banner wins over another consent manager", () => {
  it("reject all, posted with OneTrust's cookie present, then removes OneTrust's marketing tags", async () => {
    const { request } = makeGate(() => html(PAGE));
    const post = await request("/__gk/consent", {
      method: "POST",
      body: "allow=none&lang=fi",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://kevyt.example",
        cookie: SOURCES.onetrust,
      },
    });
    expect(post.status).toBe(303);
    const gk = (post.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(gk.startsWith("gk_consent=")).toBe(true);
    expect(await tagsKept(SOURCES.onetrust)).toEqual(["marketing"]);
    expect(await tagsKept(`${SOURCES.onetrust}; ${gk}`)).toEqual([]);
  });
});
