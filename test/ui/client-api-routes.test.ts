/**
 * The client API at the edge: GET /__gk/consent (the state as JSON), GET /__gk/consent.js (the
 * script, versioned and cacheable), and the `<script data-gatekeeper>` element every HTML page
 * gets, whose state is the page's decision.
 */
import fc from "fast-check";
import { parse } from "parse5";
import { describe, expect, it } from "vitest";
import { decide } from "../../src/consent/decide";
import { activatePolicy } from "../../src/policy/active";
import { servedScript } from "../../src/ui/client-api/served";
import { readState, stateOfDecision } from "../../src/ui/client-api/state";
import { consentCookie, consentForm, html, makeGate, NOW, SHIPPED, SITE, shippedFiles } from "../helpers/gate";
import { cookiebotValue } from "../sources/fixtures";
import { clientElement } from "./client-api-page";

const policy = activatePolicy(SHIPPED).policy;
const PURPOSES = policy.purposes.map((p) => p.id);
const OPTIONAL = PURPOSES.filter((p) => !policy.required.has(p));
const PAGE = `<!doctype html><html><head><title>t</title></head><body><p>x</p></body></html>`;

const consentOf = async (request: ReturnType<typeof makeGate>["request"], headers: Record<string, string> = {}) => {
  const res = await request("/__gk/consent", { headers });
  expect(res.status).toBe(200);
  return { res, json: (await res.json()) as Record<string, unknown> };
};

describe("GET /__gk/consent", () => {
  it("without consent: necessary only, undecided; never stored, varies by cookie", async () => {
    const { request, sent } = makeGate(() => html(PAGE));
    const { res, json } = await consentOf(request);
    expect(json).toEqual({
      allowed: ["necessary"],
      decided: false,
      source: null,
      gpc: false,
      purposes: PURPOSES,
      version: 1,
      consentMode: {
        ad_storage: "denied",
        ad_user_data: "denied",
        ad_personalization: "denied",
        analytics_storage: "denied",
        functionality_storage: "denied",
        personalization_storage: "denied",
        security_storage: "granted",
      },
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("vary")).toBe("Cookie, Sec-GPC");
    expect(sent, "the origin is not asked").toHaveLength(0);
  });

  it("with the gatekeeper's cookie, another consent manager's, and under GPC", async () => {
    const { request } = makeGate(() => html(PAGE));
    const own = (await consentOf(request, { cookie: consentCookie(["analytics", "marketing"]) })).json;
    expect(own).toMatchObject({
      allowed: ["analytics", "marketing", "necessary"],
      decided: true,
      source: "gatekeeper",
    });
    const other = (
      await consentOf(request, {
        cookie: `CookieConsent=${cookiebotValue({ preferences: true, statistics: false, marketing: false }, NOW - 60)}`,
      })
    ).json;
    expect(other).toMatchObject({ allowed: ["functional", "necessary"], decided: true, source: "cookiebot" });
    const gpc = (await consentOf(request, { cookie: consentCookie(["analytics", "marketing"]), "sec-gpc": "1" })).json;
    expect(gpc).toMatchObject({ allowed: ["analytics", "necessary"], decided: true, gpc: true });
  });

  it("after a consent post that returns to it, reads exactly what was recorded (fast-check)", async () => {
    const { request } = makeGate(() => html(PAGE));
    await fc.assert(
      fc.asyncProperty(fc.subarray(OPTIONAL), async (chosen) => {
        const body = new URLSearchParams([
          ...(chosen.length ? chosen.map((p) => ["allow", p]) : [["allow", "none"]]),
          ["return", "/__gk/consent"],
        ]);
        const post = await request("/__gk/consent", consentForm(body.toString()));
        expect(post.status).toBe(303);
        expect(post.headers.get("location")).toBe("/__gk/consent");
        const cookie = post.headers.getSetCookie()[0]!.split(";")[0]!;
        const { json } = await consentOf(request, { cookie });
        expect(json).toMatchObject({ allowed: [...chosen, "necessary"].sort(), decided: true, source: "gatekeeper" });
      }),
      { numRuns: 16 },
    );
  });

  it("answers under an invalid policy too: necessary only (the gate fails closed)", async () => {
    const files = shippedFiles();
    delete files["policies/purposes.yaml"];
    const { request } = makeGate(() => html(PAGE), files);
    const { json } = await consentOf(request, { cookie: consentCookie(["analytics"]) });
    expect(json).toMatchObject({
      allowed: ["necessary"],
      decided: false,
      source: null,
      version: null,
      consentMode: null,
    });
  });
});

describe("GET /__gk/consent.js", () => {
  const site = policy.sites[0]!;
  const script = servedScript(policy, site);

  it("serves the script with the site's config, as JavaScript", async () => {
    const { request, sent } = makeGate(() => html(PAGE));
    const res = await request(script.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await res.text();
    expect(body).toBe(script.body);
    expect(body.startsWith("(function(gkConfig){")).toBe(true);
    expect(body).toContain(
      `})(${JSON.stringify({ purposes: PURPOSES, cookies: ["gk_consent", "CookieConsent", "OptanonConsent", "OptanonAlertBoxClosed", "euconsent-v2", "cc_cookie"] })});`,
    );
    expect(sent).toHaveLength(0);
  });

  it("is immutable for a year under its current version, five minutes under any other, with an ETag", async () => {
    const { request } = makeGate(() => html(PAGE));
    const current = await request(script.url);
    expect(current.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(current.headers.get("etag")).toBe(`"${script.version}"`);
    for (const path of ["/__gk/consent.js", "/__gk/consent.js?v=00000000"]) {
      const other = await request(path);
      expect(other.headers.get("cache-control"), path).toBe("public, max-age=300");
      expect(await other.text(), path).toBe(script.body);
    }
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const { request } = makeGate(() => html(PAGE));
    for (const tag of [`"${script.version}"`, `W/"${script.version}"`, `"x", "${script.version}"`, "*"]) {
      const res = await request(script.url, { headers: { "if-none-match": tag } });
      expect(res.status, tag).toBe(304);
      expect(await res.text()).toBe("");
      expect(res.headers.get("etag")).toBe(`"${script.version}"`);
    }
    expect((await request(script.url, { headers: { "if-none-match": '"0"' } })).status).toBe(200);
  });

  it("gets a new version when the policy changes what the script is told", () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].consent.cookie = "site_consent";
    const edited = activatePolicy(files).policy;
    expect(servedScript(edited, edited.sites[0]!).version).not.toBe(script.version);
    // The same policy, compiled again: the same version (no change, no new download).
    const again = activatePolicy(shippedFiles()).policy;
    expect(servedScript(again, again.sites[0]!).version).toBe(script.version);
  });

  it("is the same text for every visitor, whatever their consent", async () => {
    const { request } = makeGate(() => html(PAGE));
    const a = await (await request(script.url)).text();
    const b = await (
      await request(script.url, { headers: { cookie: consentCookie(OPTIONAL), "sec-gpc": "1" } })
    ).text();
    expect(b).toBe(a);
  });
});

describe("the element in every page", () => {
  const site = policy.sites[0]!;
  const decisionFor = (headers: Record<string, string>) =>
    decide(policy, { host: new URL(SITE).hostname, headers: new Headers(headers) }, NOW);

  it("comes first in <head>, deferred, with the versioned URL, the page's state and language", async () => {
    const { request } = makeGate(() => html(PAGE));
    const out = await (
      await request("/", { headers: { cookie: consentCookie(["social"]), "accept-language": "en" } })
    ).text();
    expect(out).toContain(
      `<head><script data-gatekeeper src="${servedScript(policy, site).url}" defer data-state='{"allowed":["necessary","social"],"decided":true,"source":"gatekeeper","gpc":false}' data-lang="en"></script><title>`,
    );
  });

  it("carries the state decide() gives for the request, as a browser parses it (fast-check)", async () => {
    const { request } = makeGate(() => html(PAGE));
    await fc.assert(
      fc.asyncProperty(fc.subarray(OPTIONAL), fc.boolean(), async (chosen, gpc) => {
        const headers: Record<string, string> = { cookie: consentCookie(chosen), ...(gpc ? { "sec-gpc": "1" } : {}) };
        const out = await (await request("/", { headers })).text();
        const state = readState(JSON.parse(attributeOf(out, "data-state")));
        expect(state).toEqual(stateOfDecision(decisionFor(headers)));
      }),
      { numRuns: 16 },
    );
  });

  it("takes the page's CSP nonce, as every injected script does", async () => {
    const { request } = makeGate(() =>
      html(PAGE, { headers: { "content-security-policy": "script-src 'nonce-r4nd0m+/='; object-src 'none'" } }),
    );
    const element = await clientElement(await request("/"));
    expect(element?.nonce).toBe("r4nd0m+/=");
    expect(element?.defer).toBe("");
  });

  it("goes before the first script when the page has no <head>, and into frames and fragments too", async () => {
    const { request } = makeGate(() => html(`<p>x</p><script src="/app.js"></script>`));
    const out = await (await request("/", { headers: { "sec-fetch-dest": "iframe" } })).text();
    expect(out).toMatch(
      /^<p>x<\/p><script data-gatekeeper src="\/__gk\/consent\.js\?v=[0-9a-f]{8}" defer [^>]*><\/script><script src="\/app\.js">/,
    );
  });

  it("is not in shadow mode's pages (nothing is changed there), nor under an invalid policy", async () => {
    const shadow = shippedFiles();
    shadow["policies/sites/default.yaml"].mode = "shadow";
    const broken = shippedFiles();
    delete broken["policies/purposes.yaml"];
    for (const files of [shadow, broken]) {
      const { request } = makeGate(() => html(PAGE), files);
      expect(await clientElement(await request("/"))).toBeNull();
    }
  });
});

/** An attribute of the client API's element, decoded as a browser's parser decodes it. */
function attributeOf(page: string, name: string): string {
  const find = (node: any): string | null => {
    if (node.nodeName === "script" && node.attrs?.some((a: any) => a.name === "data-gatekeeper"))
      return node.attrs.find((a: any) => a.name === name)?.value ?? null;
    for (const child of node.childNodes ?? []) {
      const found = find(child);
      if (found !== null) return found;
    }
    return null;
  };
  const value = find(parse(page));
  if (value === null) throw new Error(`no ${name} on the client API's element`);
  return value;
}
