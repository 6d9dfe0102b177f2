/**
 * First-party gtag.js for every id and query gtag.js takes: `G-`, `GT-`, and
 * `AW-`/`DC-` while their purpose is allowed; `l`, `cx`, `gtm`, `tag_exp`. The endpoint serves only
 * the site's measurement ids, and a tag is re-pointed exactly when the endpoint serves it, so a
 * re-pointed tag never answers 400; anything else stays in the page (or goes) by its purpose.
 * Examples, and a property over random tag URLs and consent states through the whole worker.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { consentCookie, html, stripInjected } from "../helpers/gate";
import { filesWithIds, makeBeaconGate } from "./helpers";

const IDS = ["G-DEMO12345", "GT-KVT4P2Q", "AW-123456789", "DC-7654321"];
const FILES = filesWithIds("GT-KVT4P2Q", "AW-123456789", "DC-7654321");
const ALL = ["functional", "analytics", "marketing", "social"];
const GTAG = "https://www.googletagmanager.com/gtag/js";
const CONFIG_MARK = 'data-gatekeeper="first-party"';

const cookieFor = (purposes: string[] | null): Record<string, string> =>
  purposes ? { cookie: consentCookie(purposes) } : {};

async function page(src: string, purposes: string[] | null) {
  const { request } = makeBeaconGate(undefined, {
    origin: () => html(`<head><script async src="${src}"></script></head>`),
    files: FILES,
  });
  return (await request("/", { headers: cookieFor(purposes) })).text();
}

async function tag(path: string, purposes: string[] | null) {
  const { request, upstream } = makeBeaconGate(undefined, { files: FILES });
  const res = await request(path, { headers: cookieFor(purposes) });
  return { status: res.status, upstream: upstream.map((u) => u.url.href) };
}

describe("GET /__gk/ga/gtag/js", () => {
  it.each<[string, string, string[] | null, number]>([
    ["a Google tag id with GTM's parameters", "id=GT-KVT4P2Q&l=dataLayer&cx=c", ["analytics"], 200],
    [
      "a measurement id with cx, gtm and tag_exp",
      "id=G-DEMO12345&cx=c&gtm=45He5421h1v71748709za200&tag_exp=102015666~102788824",
      ["analytics"],
      200,
    ],
    ["a Google Ads id, marketing allowed", "id=AW-123456789&cx=c", ["marketing"], 200],
    ["a Floodlight id, marketing allowed", "id=DC-7654321", ["marketing"], 200],
    ["a Google Ads id, marketing refused", "id=AW-123456789", ["analytics"], 403],
    ["the site's id, analytics refused", "id=G-DEMO12345", ["marketing"], 403],
    ["the site's id, no consent", "id=G-DEMO12345", null, 403],
    ["an id the site does not list", "id=G-OTHER1234", ["analytics"], 404],
    ["an Ads id the site does not list", "id=AW-999999999", ALL, 404],
    ["a GTM container", "id=GTM-DEMO123", ALL, 404],
    ["a parameter gtag.js does not take", "id=G-DEMO12345&url=https://evil.example/", ["analytics"], 400],
  ])("%s → %i", async (_name, query, purposes, status) => {
    const got = await tag(`/__gk/ga/gtag/js?${query}`, purposes);
    expect(got.status).toBe(status);
    if (status === 200) expect(got.upstream).toEqual([`${GTAG}?${new URLSearchParams(query)}`]);
    else expect(got.upstream).toEqual([]);
  });
});

describe("re-pointing", () => {
  it("a GT- tag and a G- tag with cx=c are re-pointed with all consent (they once answered 400)", async () => {
    for (const src of [
      `${GTAG}?id=GT-KVT4P2Q`,
      `${GTAG}?id=G-DEMO12345&amp;cx=c`,
      `${GTAG}?id=GT-KVT4P2Q&amp;l=dataLayer&amp;cx=c`,
    ]) {
      const out = await page(src, ALL);
      const moved = src.replace(GTAG, "/__gk/ga/gtag/js").replaceAll("&amp;", "&");
      expect(out, src).toContain(`<script async src="${moved}"></script>`);
      expect(out).toContain(CONFIG_MARK);
      const served = await tag(moved, ALL);
      expect(served.status, moved).toBe(200);
    }
  });

  it("an Ads tag the site lists is re-pointed while marketing is allowed, without a transport config", async () => {
    const out = await page(`${GTAG}?id=AW-123456789`, ["marketing"]);
    expect(out).toContain('<script async src="/__gk/ga/gtag/js?id=AW-123456789"></script>');
    expect(out).not.toContain(CONFIG_MARK);
  });

  it("an id the site does not list is not re-pointed: kept with its purpose allowed, removed without", async () => {
    const src = `${GTAG}?id=G-OTHER1234&amp;cx=c`;
    const kept = await page(src, ALL);
    expect(await stripInjected(kept)).toContain(`<script async src="${src}"></script>`);
    expect(kept).not.toContain("/__gk/ga/gtag/js");
    expect(await page(src, ["marketing"])).not.toContain("gtag/js");
  });

  it("a parameter gtag.js does not take leaves the tag where it is", async () => {
    const src = `${GTAG}?id=G-DEMO12345&amp;foo=1`;
    expect(await stripInjected(await page(src, ["analytics"]))).toContain(src);
  });
});

// Random tag URLs: an id from the site's list or not, any of gtag.js's parameters (valid or
// not) and others, in any order; random consent.
const PARAMS: Array<[string, fc.Arbitrary<string>]> = [
  ["l", fc.constantFrom("dataLayer", "kpLayer", "a;b")],
  ["cx", fc.constantFrom("c", "C", "")],
  ["gtm", fc.constantFrom("45He5421h1v71748709za200", "4e66o1", "x y")],
  ["tag_exp", fc.constantFrom("102015666~102788824", "1", "a")],
  ["foo", fc.constant("1")],
];
const tagUrl = fc
  .record({
    id: fc.constantFrom(...IDS, "G-OTHER1234", "AW-999999999", "GTM-DEMO123"),
    params: fc
      .subarray(PARAMS)
      .chain((ps) => fc.tuple(...ps.map(([name, value]) => value.map((v) => [name, v] as [string, string])))),
  })
  .map(({ id, params }) => `${GTAG}?${new URLSearchParams([["id", id], ...params])}`);
const consent = fc.option(fc.subarray(ALL), { nil: null });

describe("property: a tag is re-pointed exactly when the endpoint serves it", () => {
  it("over random tag URLs and consent states", async () => {
    const seen = { repointed: 0, left: 0 };
    await fc.assert(
      fc.asyncProperty(tagUrl, consent, async (src, purposes) => {
        const out = await page(src.replaceAll("&", "&amp;"), purposes);
        const query = new URL(src).search;
        const served = await tag(`/__gk/ga/gtag/js${query}`, purposes);
        if (out.includes(`src="/__gk/ga/gtag/js${query}"`)) {
          seen.repointed++;
          expect(served.status).toBe(200);
        } else {
          seen.left++;
          expect(served.status).not.toBe(200);
        }
      }),
      { numRuns: 150 },
    );
    // Both outcomes occur, so the property is not vacuous.
    expect(seen.repointed).toBeGreaterThan(0);
    expect(seen.left).toBeGreaterThan(0);
  });
});
