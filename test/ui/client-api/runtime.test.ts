/**
 * `window.gatekeeper` (src/ui/client-api/runtime.ts) on a stand-in page (./page.ts)
 * whose requests go to the real app: it starts from the state the app wrote into the page, a
 * choice posts the consent form and reads back what decide() now gives, and each change fires
 * exactly one `gatekeeper:change` and one Consent Mode update. The browser suite runs the built
 * script in Chromium (test/browser/client-api.test.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../../../src/consent/decide";
import { activatePolicy } from "../../../src/policy/active";
import { type ClientConfig, installGatekeeper } from "../../../src/ui/client-api/runtime";
import { clientConfig } from "../../../src/ui/client-api/served";
import { stateOfDecision } from "../../../src/ui/client-api/state";
import type { Gatekeeper } from "../../../types/gatekeeper";
import { consentCookie, html, makeGate, NOW, SHIPPED, SITE } from "../../helpers/gate";
import { elementOf, type FakePage, type FakePageOptions, openFakePage } from "./page";

const policy = activatePolicy(SHIPPED).policy;
const config: ClientConfig = clientConfig(policy, policy.sites[0]);
const PAGE = `<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>`;
const ALL = policy.purposes.map((p) => p.id).sort();

async function open(options: FakePageOptions = {}, path = "/hinnasto?x=1") {
  const gate = makeGate(() => html(PAGE));
  const page = await openFakePage(gate.request, path, options);
  installGatekeeper(page.window, elementOf(page), config);
  return { page, gk: page.window.gatekeeper as Gatekeeper, gate };
}

/** What decide() says for the page's cookies now. */
const decidedNow = (page: FakePage, headers: Record<string, string> = {}) =>
  stateOfDecision(
    decide(
      policy,
      {
        host: new URL(SITE).hostname,
        headers: new Headers({ cookie: [...page.jar].map(([k, v]) => `${k}=${v}`).join("; "), ...headers }),
      },
      NOW,
    ),
  );
const stateOf = (gk: Gatekeeper) => ({ allowed: gk.allowed, decided: gk.decided, source: gk.source, gpc: gk.gpc });

describe("the state on the page", () => {
  it("comes from the page itself, without a request", async () => {
    const { page, gk } = await open({ cookies: { gk_consent: consentCookie(["analytics"]).split("=")[1]! } });
    expect(page.requests).toEqual([]);
    expect(stateOf(gk)).toEqual({
      allowed: ["analytics", "necessary"],
      decided: true,
      source: "gatekeeper",
      gpc: false,
    });
    expect(gk.has("analytics")).toBe(true);
    expect(gk.has("marketing")).toBe(false);
    expect(gk.purposes).toEqual(policy.purposes.map((p) => p.id));
  });

  it("without consent: necessary only, undecided", async () => {
    const { gk } = await open();
    expect(stateOf(gk)).toEqual({ allowed: ["necessary"], decided: false, source: null, gpc: false });
  });

  it("is defined once per window, read-only, and not at all without the edge's state", async () => {
    const { page, gk } = await open();
    installGatekeeper(page.window, { getAttribute: () => '{"allowed":["x"],"decided":true,"source":null}' }, config);
    expect(page.window.gatekeeper).toBe(gk);
    expect(Object.isFrozen(gk)).toBe(true);
    expect(() => {
      (page.window as { gatekeeper?: unknown }).gatekeeper = {};
    }).toThrow();
    for (const attribute of [null, "not json", '{"allowed":"necessary"}']) {
      const blank = await openFakePage(makeGate(() => html(PAGE)).request);
      installGatekeeper(blank.window, { getAttribute: (n) => (n === "data-state" ? attribute : null) }, config);
      expect(blank.window.gatekeeper, String(attribute)).toBeUndefined();
    }
  });
});

describe("set()", () => {
  it("posts the consent form and resolves with the state decide() now gives, firing one event", async () => {
    const { page, gk } = await open({}, "/");
    const seen: unknown[] = [];
    gk.onChange((detail) => seen.push(detail));
    const state = await gk.set(["functional"], { reload: false });
    expect(page.requests).toEqual([
      {
        method: "POST",
        path: "/__gk/consent",
        form: [
          ["allow", "functional"],
          ["return", "/__gk/consent"],
          ["lang", "fi"],
        ],
      },
      { method: "GET", path: "/__gk/consent", form: undefined },
    ]);
    expect(state).toEqual(decidedNow(page));
    expect(stateOf(gk)).toEqual(state);
    expect(page.jar.get("gk_consent")?.split(".")[2]).toBe("functional-necessary");
    const detail = {
      allowed: ["functional", "necessary"],
      decided: true,
      source: "gatekeeper",
      gpc: false,
      added: ["functional"],
      removed: [],
      reload: true,
    };
    expect(page.events).toEqual([{ type: "gatekeeper:change", detail }]);
    expect(seen).toEqual([detail]);
    expect(page.reloads, "reload: false").toBe(0);
  });

  it("the same choice again changes nothing: no event", async () => {
    const { page, gk } = await open();
    await gk.set(["social"], { reload: false });
    await gk.set(["social"], { reload: false });
    expect(page.events).toHaveLength(1);
  });

  it("reloads by default only when a purpose is allowed whose tags this page lacks; reload: true always", async () => {
    const withAnalytics = { cookies: { gk_consent: consentCookie(["analytics"]).split("=")[1]! } };
    const a = await open(withAnalytics);
    await a.gk.set([]);
    expect(a.page.reloads, "withdrawing").toBe(0);
    await a.gk.set(["analytics"]);
    expect(a.page.reloads, "allowing again what the page was rendered with").toBe(0);
    await a.gk.set(["analytics", "social"]);
    expect(a.page.reloads, "allowing what the page was rendered without").toBe(1);
    const b = await open(withAnalytics);
    await b.gk.set([], { reload: true });
    expect(b.page.reloads).toBe(1);
    await b.gk.set([], { reload: true });
    expect(b.page.reloads, "no change, no reload").toBe(1);
  });

  it("withdrawal applies at once: the answer deletes the refused purposes' cookies", async () => {
    const { page, gk } = await open({
      cookies: { gk_consent: consentCookie(["analytics"]).split("=")[1]!, _ga: "GA1.1.1.1", _gid: "GA1.1.2.2" },
    });
    await gk.set([]);
    expect([...page.jar.keys()]).toEqual(["gk_consent"]);
    expect(page.events.map((e) => (e.detail as { removed: string[] }).removed)).toEqual([["analytics"]]);
  });

  it("under Sec-GPC: 1 a purpose GPC refuses stays refused, and the state says why", async () => {
    const { gk, page } = await open({ headers: { "sec-gpc": "1" } });
    const state = await gk.set(["marketing", "social"], { reload: false });
    expect(state).toEqual({ allowed: ["necessary", "social"], decided: true, source: "gatekeeper", gpc: true });
    expect(state).toEqual(decidedNow(page, { "sec-gpc": "1" }));
  });

  it("rejects an unknown purpose without a request, and a refused post without a change", async () => {
    const { page, gk } = await open();
    await expect(gk.set(["chat"])).rejects.toThrow(TypeError);
    await expect(gk.set("analytics" as unknown as string[])).rejects.toThrow(TypeError);
    expect(page.requests).toEqual([]);
    // A cross-site post (as a third party's page would make) is refused by the edge: 403.
    const crossSite = await open({ headers: { "sec-fetch-site": "cross-site" } });
    await expect(crossSite.gk.set(["analytics"])).rejects.toThrow(/HTTP 403/);
    expect(stateOf(crossSite.gk).decided).toBe(false);
    expect(crossSite.page.events).toEqual([]);
  });

  it("choices made at once apply in order: the last one stands, one event each", async () => {
    const { page, gk } = await open();
    const results = await Promise.all([
      gk.set(["analytics"], { reload: false }),
      gk.set(["social"], { reload: false }),
      gk.set([], { reload: false }),
    ]);
    expect(results.map((s) => s.allowed)).toEqual([["analytics", "necessary"], ["necessary", "social"], ["necessary"]]);
    expect(stateOf(gk)).toEqual(decidedNow(page));
    expect(page.events).toHaveLength(3);
  });

  it("after any sequence of choices the page's state is decide()'s for its cookie, one event per change (fast-check)", async () => {
    const optional = ALL.filter((p) => !policy.required.has(p));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.subarray(optional), { minLength: 1, maxLength: 4 }), async (choices) => {
        const { page, gk } = await open();
        let before = JSON.stringify(stateOf(gk));
        let changes = 0;
        for (const choice of choices) {
          await gk.set(choice, { reload: false });
          const now = JSON.stringify(stateOf(gk));
          if (now !== before) changes++;
          before = now;
          expect(stateOf(gk)).toEqual(decidedNow(page));
        }
        expect(page.events).toHaveLength(changes);
      }),
      { numRuns: 20 },
    );
  });
});

describe("after a change", () => {
  it("the banner goes once the visitor has chosen", async () => {
    const { page, gk } = await open({ banner: true });
    await gk.set([], { reload: false });
    expect(page.banner?.removed).toBe(true);
  });

  it("pushes a Consent Mode update through the page's gtag", async () => {
    const { page, gk } = await open({ gtag: true });
    await gk.set(["analytics"], { reload: false });
    expect(page.gtagCalls).toEqual([
      [
        "consent",
        "update",
        {
          ad_storage: "denied",
          ad_user_data: "denied",
          ad_personalization: "denied",
          analytics_storage: "granted",
          functionality_storage: "denied",
          personalization_storage: "denied",
          security_storage: "granted",
        },
      ],
    ]);
  });

  it("or onto the dataLayer as gtag would (an Arguments object), and nowhere without either", async () => {
    const { page, gk } = await open({ dataLayer: true });
    await gk.set(["marketing"], { reload: false });
    expect(page.dataLayer).toHaveLength(1);
    const pushed = page.dataLayer![0] as IArguments;
    expect(Object.prototype.toString.call(pushed)).toBe("[object Arguments]");
    expect([...pushed].slice(0, 2)).toEqual(["consent", "update"]);
    expect([...pushed][2]).toMatchObject({ ad_storage: "granted", analytics_storage: "denied" });
    const bare = await open();
    await bare.gk.set(["marketing"], { reload: false });
    expect(bare.page.window.dataLayer).toBeUndefined();
  });

  it("onChange's unsubscribe stops the listener", async () => {
    const { gk } = await open();
    const seen: unknown[] = [];
    const stop = gk.onChange((d) => seen.push(d));
    await gk.set(["social"], { reload: false });
    stop();
    await gk.set([], { reload: false });
    expect(seen).toHaveLength(1);
  });
});

describe("a choice made elsewhere (another tab, the back/forward cache)", () => {
  it("is read back when the page is shown again and a consent cookie changed: one event", async () => {
    const { page, gk, gate } = await open();
    // Another tab posts a choice: the browser's cookie changes under this page.
    const other = await gate.request("/__gk/consent", {
      method: "POST",
      body: "allow=social",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: SITE, "sec-fetch-site": "same-origin" },
    });
    page.jar.set("gk_consent", other.headers.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!);
    page.window.dispatchEvent(new Event("focus"));
    await expect.poll(() => gk.allowed).toEqual(["necessary", "social"]);
    expect(page.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /__gk/consent"]);
    expect(page.events).toHaveLength(1);
    expect(page.reloads, "never reloads by itself").toBe(0);
  });

  it("costs nothing while the consent cookies are as the page last saw them", async () => {
    const { page } = await open();
    page.jar.set("_ga", "GA1.1.1.1");
    for (const type of ["focus", "pageshow", "visibilitychange"]) page.window.dispatchEvent(new Event(type));
    await new Promise((r) => setTimeout(r, 10));
    expect(page.requests).toEqual([]);
  });
});

describe("open()", () => {
  it("focuses the banner when the page has one", async () => {
    const { page, gk } = await open({ banner: true });
    gk.open();
    expect(page.banner?.focused).toBe(1);
    expect(page.assigned).toEqual([]);
  });
  it("else goes to the preferences page, to come back here", async () => {
    const { page, gk } = await open({ cookies: { gk_consent: consentCookie([]).split("=")[1]! } });
    gk.open();
    expect(page.assigned).toEqual(["/__gk/preferences?return=%2Fhinnasto%3Fx%3D1"]);
  });
});
