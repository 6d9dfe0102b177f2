/**
 * Consent posts need proof of same origin: a POST with neither Origin nor
 * Sec-Fetch-Site is refused (403) unless its Referer is a page of the site. Examples, a property
 * over what a cross-site page can make a browser send, and the endpoint itself.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSameOriginPost } from "../../src/consent/form";
import { html, makeGate, SITE } from "../helpers/gate";

describe("isSameOriginPost without Origin or Sec-Fetch-Site", () => {
  it.each<[string, Record<string, string>, boolean]>([
    ["nothing at all", {}, false],
    ["a Referer on the site", { referer: `${SITE}/hinnasto?x=1` }, true],
    ["a Referer that is the site's origin", { referer: `${SITE}/` }, true],
    ["a Referer on another site", { referer: "https://evil.example/kevyt.example" }, false],
    ["a Referer on a sibling subdomain", { referer: "https://www.kevyt.example/" }, false],
    ["a Referer over http", { referer: `${SITE.replace("https:", "http:")}/` }, false],
    ["a Referer with userinfo naming the site", { referer: `https://kevyt.example@evil.example/` }, false],
    ["a Referer that is not a URL", { referer: "kevyt.example" }, false],
    ["an empty Referer", { referer: "" }, false],
  ])("%s -> %s", (_name, headers, allowed) => {
    expect(isSameOriginPost(new Headers(headers), SITE)).toBe(allowed);
  });

  it("Origin and Sec-Fetch-Site still decide when present, whatever the Referer says", () => {
    const referer = `${SITE}/`;
    expect(isSameOriginPost(new Headers({ origin: "https://evil.example", referer }), SITE)).toBe(false);
    expect(isSameOriginPost(new Headers({ "sec-fetch-site": "cross-site", referer }), SITE)).toBe(false);
    expect(isSameOriginPost(new Headers({ origin: "null", referer }), SITE)).toBe(false);
    expect(isSameOriginPost(new Headers({ "sec-fetch-site": "same-origin" }), SITE)).toBe(true);
  });
});

// What a page on another site can make a browser send with a form post or fetch: Origin is its
// own (or null, sandboxed), Sec-Fetch-Site says cross-site or same-site (a browser sets it, the
// page cannot), Referer is its own page or is left out (Referrer-Policy: no-referrer); an old
// browser may send neither of the first two.
const attacker = fc.constantFrom("https://evil.example", "https://www.kevyt.example", "http://kevyt.example", "null");
const crossSitePost = fc.record(
  {
    origin: attacker,
    "sec-fetch-site": fc.constantFrom("cross-site", "same-site"),
    referer: fc.tuple(attacker, fc.webPath()).map(([o, path]) => (o === "null" ? "" : `${o}${path}`)),
  },
  { requiredKeys: [] },
);

describe("property: nothing a cross-site page can send passes", () => {
  it("any subset of Origin, Sec-Fetch-Site and Referer a foreign page controls", () => {
    fc.assert(
      fc.property(crossSitePost, (headers) => {
        expect(isSameOriginPost(new Headers(headers as Record<string, string>), SITE)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("POST /__gk/consent", () => {
  const post = (headers: Record<string, string>) =>
    makeGate(() => html("")).request("/__gk/consent", {
      method: "POST",
      body: "allow=all",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });

  it("without Origin, Sec-Fetch-Site or Referer: 403, no consent cookie", async () => {
    const res = await post({});
    expect(res.status).toBe(403);
    expect(res.headers.has("set-cookie")).toBe(false);
  });

  it("with only a Referer on the site: 303 and the consent cookie", async () => {
    const res = await post({ referer: `${SITE}/laina` });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^gk_consent=/);
  });

  it("with only a Referer on another site: 403", async () => {
    expect((await post({ referer: "https://evil.example/" })).status).toBe(403);
  });
});
