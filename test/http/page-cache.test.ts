/** The consent-bucket cache's pure rules: lifetimes, Vary, and the key's fields. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../src/consent/decide";
import { bucketFields, bucketKey, cacheDirectives, ttlSeconds, varyNames } from "../../src/http/page-cache";

describe("the origin's lifetime", () => {
  it.each([
    ["public, max-age=300", 3600, 300],
    ["public, max-age=300, s-maxage=30", 3600, 30],
    ['public, s-maxage="90"', 3600, 90],
    ["PUBLIC, MAX-AGE=7200", 600, 600],
    ["public", 600, 0],
    ["public, max-age=-1", 600, 0],
    ["public, max-age=1e3", 600, 0],
    [null, 600, 0],
  ] as const)("%s (cap %i) is %i seconds", (header, cap, ttl) => {
    expect(ttlSeconds(header, cap)).toBe(ttl);
  });

  it("reads directives case-insensitively, the first of a repeated one", () => {
    expect([...cacheDirectives("Public, max-age=1, max-age=2, No-Cache")]).toEqual([
      ["public", ""],
      ["max-age", "1"],
      ["no-cache", ""],
    ]);
  });
});

describe("the origin's Vary", () => {
  it("keeps the names the key must hold, without Cookie and Accept-Encoding; * is no cache", () => {
    expect(varyNames("Accept-Encoding, Cookie")).toEqual([]);
    expect(varyNames("X-Device, accept-language, x-device")).toEqual(["accept-language", "x-device"]);
    expect(varyNames("Cookie, *")).toBe("*");
    expect(varyNames(null)).toEqual([]);
  });
});

const decisionArb = fc.record({
  refused: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  allowed: fc.subarray(["necessary", "functional", "analytics", "marketing", "social"]),
  basis: fc.constantFrom("consent", "no-consent", "invalid-consent", "outdated-consent"),
  source: fc.constantFrom(undefined, "gatekeeper", "cookiebot", "tcf"),
  gpc: fc.boolean(),
});
const requestArb = fc.record({
  decision: decisionArb,
  lang: fc.constantFrom("fi", "sv", "en") as fc.Arbitrary<"fi" | "sv" | "en">,
  topLevel: fc.boolean(),
});

type RequestState = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function fieldsOf(r: RequestState) {
  const decision = { ...r.decision, allowed: new Set(r.decision.allowed) } as unknown as Decision;
  return JSON.stringify(
    bucketFields({
      decision,
      url: new URL("https://kevyt.example/"),
      origin: undefined,
      lang: r.lang,
      topLevel: r.topLevel,
      deployVersion: "v1",
      policyDigest: "p",
    }),
  );
}

describe("the key", () => {
  it("two decisions that differ in what the page reads never share a key (property)", async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, requestArb, async (a, b) => {
        const differ =
          a.decision.refused.join() !== b.decision.refused.join() ||
          [...a.decision.allowed].sort().join() !== [...b.decision.allowed].sort().join() ||
          (a.decision.basis === "consent") !== (b.decision.basis === "consent") ||
          a.decision.gpc !== b.decision.gpc ||
          a.lang !== b.lang ||
          a.topLevel !== b.topLevel ||
          (a.decision.basis === "consent" && b.decision.basis === "consent" && a.decision.source !== b.decision.source);
        const page = new URL("https://kevyt.example/");
        const [ka, kb] = await Promise.all([bucketKey(page, fieldsOf(a)), bucketKey(page, fieldsOf(b))]);
        if (differ) expect(ka).not.toBe(kb);
        else expect(ka).toBe(kb);
      }),
      { numRuns: 300 },
    );
  });

  it("is under the gatekeeper's own path on the page's origin; a varied page has a second level", async () => {
    const page = new URL("https://kevyt.example/a?b=1");
    expect(await bucketKey(page, "x")).toMatch(/^https:\/\/kevyt\.example\/__gk\/cache\/[0-9a-f]{64}$/);
    expect(await bucketKey(page, "x", "[]")).toMatch(/^https:\/\/kevyt\.example\/__gk\/cache\/v\/[0-9a-f]{64}$/);
    expect(await bucketKey(page, "x", '[["x-a","1"]]')).not.toBe(await bucketKey(page, "x", '[["x-a","2"]]'));
  });
});
