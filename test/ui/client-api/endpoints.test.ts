/**
 * The client API's endpoints (src/ui/client-api/endpoints.ts, registered by src/ui/routes.ts):
 * GET /__gk/consent (the state as JSON) and GET /__gk/consent.js (the script, versioned and
 * cacheable). The element every page gets is tested in ./element.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activatePolicy } from "../../../src/policy/active";
import { servedScript } from "../../../src/ui/client-api/served";
import { cookiebotValue } from "../../consent/sources/fixtures";
import { consentCookie, consentForm, html, makeGate, NOW, SHIPPED, shippedFiles } from "../../helpers/gate";

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
