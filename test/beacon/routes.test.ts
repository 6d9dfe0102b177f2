/**
 * The beacon endpoint and the first-party tag through the whole worker, with the origin and the
 * vendors' upstreams injected: what reaches Google (host, path, method, headers, body) in each
 * consent state, the abuse cases, the cache, the rate limiter (the wrangler.toml binding, run by
 * miniflare) and the logs.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, shippedFiles } from "../helpers/gate";
import { BATCH_BODY, BATCH_QUERY, CHROME_HEADERS, IDENTIFYING_GET, PAGE_VIEW_GET, SITE_ORIGIN } from "./fixtures";
import { filesWithIds, GTAG_JS, makeBeaconGate, pairs } from "./helpers";

const COLLECT = "/__gk/ga/g/collect";
const WITH_ANALYTICS = { ...CHROME_HEADERS, cookie: `${CHROME_HEADERS.cookie}; ${consentCookie(["analytics"])}` };
const WITHOUT_CONSENT = { ...CHROME_HEADERS };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("GET/POST /__gk/ga/g/collect, analytics allowed", () => {
  it("forwards a GET hit to region1.google-analytics.com/g/collect and answers 204", async () => {
    const { request, upstream, origin } = makeBeaconGate();
    const res = await request(`${COLLECT}?${PAGE_VIEW_GET}`, { headers: WITH_ANALYTICS });
    expect(res.status).toBe(204);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(origin).toHaveLength(0);
    expect(upstream).toHaveLength(1);
    const [up] = upstream;
    expect(up!.url.host).toBe("region1.google-analytics.com");
    expect(up!.url.pathname).toBe("/g/collect");
    expect(up!.method).toBe("GET");
    expect(up!.redirect).toBe("manual");
    expect([...up!.headers]).toEqual([
      ["referer", `${SITE_ORIGIN}/`],
      ["user-agent", "Mozilla/5.0 (compatible; Chrome/109)"],
    ]);
    expect(up!.body).toBeUndefined();
    expect(pairs(up!.url.search).map(([n]) => n)).toEqual([
      "v",
      "tid",
      "gtm",
      "_p",
      "cid",
      "ul",
      "sr",
      "_s",
      "sid",
      "sct",
      "seg",
      "dl",
      "dt",
      "en",
      "_ss",
      "_ee",
    ]);
  });

  it("forwards a sendBeacon POST (text/plain, one hit per line)", async () => {
    const { request, upstream } = makeBeaconGate();
    const res = await request(`${COLLECT}?${BATCH_QUERY}`, {
      method: "POST",
      body: BATCH_BODY,
      headers: { ...WITH_ANALYTICS, "content-type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(204);
    const [up] = upstream;
    expect(up!.method).toBe("POST");
    expect(up!.url.origin + up!.url.pathname).toBe("https://region1.google-analytics.com/g/collect");
    expect(up!.url.search).toBe(`?${BATCH_QUERY}`);
    expect(up!.body).toBe("en=page_view&_ee=1\r\nen=scroll&epn.percent_scrolled=90&_et=8");
    expect(Object.fromEntries(up!.headers)).toEqual({
      "content-type": "text/plain;charset=UTF-8",
      referer: `${SITE_ORIGIN}/`,
      "user-agent": "Mozilla/5.0 (compatible; Chrome/109)",
    });
  });

  it("never sends the visitor's address, cookies, client hints, user id or personal data", async () => {
    const { request, upstream } = makeBeaconGate();
    await request(`${COLLECT}?${IDENTIFYING_GET}`, { headers: WITH_ANALYTICS });
    const [up] = upstream;
    const sent = `${up!.url.href}\n${[...up!.headers].join("\n")}\n${up!.body ?? ""}`;
    for (const secret of [
      "198.51.100",
      "203.0.113.77",
      "customer-8841",
      "s3cr3t",
      "GS1.1",
      "gk_consent",
      "Windows",
      "matti",
      "131052",
      "FI21",
      "358",
      "pikavippi",
      "_gl",
      "abcde5",
      "gold",
      "up.",
      "hakemus",
    ])
      expect(sent, secret).not.toContain(secret);
    expect(pairs(up!.url.search)).toContainEqual(["cid", "1489945657.1691089601"]);
  });
});

describe("analytics refused", () => {
  it.each([
    ["no consent cookie", WITHOUT_CONSENT],
    ["consent to other purposes", { ...CHROME_HEADERS, cookie: consentCookie(["marketing", "functional"]) }],
    ["a garbled cookie", { ...CHROME_HEADERS, cookie: "gk_consent=1.1.analytics" }],
  ])("%s: answers 204 and forwards nothing", async (_name, headers) => {
    const { request, upstream } = makeBeaconGate();
    expect((await request(`${COLLECT}?${PAGE_VIEW_GET}`, { headers })).status).toBe(204);
    expect((await request(`${COLLECT}?${BATCH_QUERY}`, { method: "POST", body: BATCH_BODY, headers })).status).toBe(
      204,
    );
    expect(upstream).toHaveLength(0);
  });

  it("with withoutConsent: anonymous, forwards without cid, sid or user data", async () => {
    const files = shippedFiles();
    files["policies/vendors/google-analytics.yaml"].beacon.withoutConsent = "anonymous";
    const { request, upstream } = makeBeaconGate(undefined, { files });
    expect((await request(`${COLLECT}?${IDENTIFYING_GET}`, { headers: WITHOUT_CONSENT })).status).toBe(204);
    expect(upstream).toHaveLength(1);
    const names = pairs(upstream[0]!.url.search).map(([n]) => n);
    expect(names).toEqual(["v", "tid", "gtm", "ul", "sr", "dl", "dr", "dt", "en", "ep.form", "epn.amount", "gcs"]);
    expect(upstream[0]!.url.searchParams.get("gcs")).toBe("G100");
  });

  it("under the failsafe policy the endpoint does not exist and nothing is forwarded", async () => {
    const files = shippedFiles();
    files["policies/purposes.yaml"].purposes[0].id = "Not Valid";
    const { request, upstream } = makeBeaconGate(undefined, { files });
    expect(activatePolicy(files).diagnostics.length).toBeGreaterThan(0);
    expect((await request(`${COLLECT}?${PAGE_VIEW_GET}`, { headers: WITH_ANALYTICS })).status).toBe(404);
    expect((await request("/__gk/ga/gtag/js?id=G-DEMO12345")).status).toBe(404);
    expect(upstream).toHaveLength(0);
  });
});

describe("no open proxy", () => {
  it.each([
    "/__gk/ga/https://evil.example/g/collect?v=2",
    "/__gk/ga/https:%2F%2Fevil.example%2Fg%2Fcollect?v=2",
    "/__gk/ga//evil.example/g/collect?v=2",
    "/__gk/ga/g/collect@evil.example?v=2",
    "/__gk/ga/g/collect/@evil.example?v=2",
    "/__gk/ga/@evil.example/g/collect?v=2",
    "/__gk/ga/g%2Fcollect?v=2",
    "/__gk/ga/%67/collect?v=2",
    "/__gk/ga/g/collect%2F..%2F..%2Fx?v=2",
    "/__gk/ga/g%5Ccollect?v=2",
    "/__gk/ga/%5C%5Cevil.example%5Cg%5Ccollect?v=2",
    "/__gk/ga/evil%2Eexample/g/collect?v=2",
    "/__gk/ga/%65vil.example/g/collect?v=2",
    "/__gk/ga/g/collect/?v=2",
    "/__gk/ga/g/collect;x?v=2",
    "/__gk/ga/g/collect%00?v=2",
    "/__gk/ga/mp/collect?v=2",
    "/__gk/ga/gtag/js%2F..%2Fx?id=G-DEMO12345",
    "/__gk/ga/",
    "/__gk/ga/region1.google-analytics.com/g/collect?v=2",
  ])("%s → 400, nothing forwarded", async (path) => {
    const { request, upstream, origin } = makeBeaconGate();
    const res = await request(path, { headers: WITH_ANALYTICS });
    expect(res.status).toBe(400);
    expect(upstream).toHaveLength(0);
    expect(origin).toHaveLength(0);
  });

  it("resolves dot segments before routing, so they lead to the site, never to a vendor", async () => {
    const { request, upstream, origin } = makeBeaconGate();
    await request("/__gk/ga/gtag/js/../../../../evil?id=G-DEMO12345", { headers: WITH_ANALYTICS });
    await request("/__gk/ga/g/%2e%2e/%2e%2e/%2e%2e/evil2?v=2", { headers: WITH_ANALYTICS });
    expect(upstream).toHaveLength(0);
    expect(origin.map((r) => new URL(r.url).pathname)).toEqual(["/evil", "/evil2"]);
  });

  it("only ever contacts the policy's two upstream URLs, whatever the hit names", async () => {
    const { request, upstream } = makeBeaconGate();
    const q =
      "v=2&tid=G-DEMO12345&en=x&dl=https%3A%2F%2Fevil.example%2F&url=https%3A%2F%2Fevil.example%2F&host=evil.example";
    await request(`${COLLECT}?${q}`, {
      headers: { ...WITH_ANALYTICS, host: "evil.example", "x-forwarded-host": "evil.example" },
    });
    expect(upstream.map((u) => u.url.origin + u.url.pathname)).toEqual([
      "https://region1.google-analytics.com/g/collect",
    ]);
  });

  it.each(["PUT", "DELETE", "PATCH"])("%s → 405 with Allow", async (method) => {
    const { request, upstream } = makeBeaconGate();
    const res = await request(`${COLLECT}?v=2`, { method, headers: WITH_ANALYTICS });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST, OPTIONS");
    expect(upstream).toHaveLength(0);
  });

  it("OPTIONS → 204 with Allow, nothing forwarded", async () => {
    const { request, upstream } = makeBeaconGate();
    const res = await request(COLLECT, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, POST, OPTIONS");
    expect(upstream).toHaveLength(0);
  });

  it.each([
    ["a declared length over the cap", { "content-length": String(64 * 1024 + 1) }, "en=x"],
    ["a streamed body over the cap", {}, `en=${"x".repeat(64 * 1024)}`],
  ])("%s → 413", async (_name, headers, body) => {
    const { request, upstream } = makeBeaconGate();
    const res = await request(`${COLLECT}?v=2`, { method: "POST", body, headers: { ...WITH_ANALYTICS, ...headers } });
    expect(res.status).toBe(413);
    expect(upstream).toHaveLength(0);
  });

  it("a body just under the cap is forwarded", async () => {
    const { request, upstream } = makeBeaconGate();
    const body = `en=page_view&ep.x=${"a".repeat(64 * 1024 - 20)}`;
    const path = `${COLLECT}?v=2&tid=G-DEMO12345`;
    expect((await request(path, { method: "POST", body, headers: WITH_ANALYTICS })).status).toBe(204);
    expect(upstream).toHaveLength(1);
  });

  it.each([
    ["CR LF in a query value", `${COLLECT}?v=2&en=a%0D%0Ab`, {}],
    ["NUL in a query value", `${COLLECT}?v=2&en=a%00`, {}],
    ["LF in a query name", `${COLLECT}?v=2&e%0An=x`, {}],
    ["CR inside a body line", `${COLLECT}?v=2`, { method: "POST", body: "en=a\rb=c" }],
    ["NUL in the body", `${COLLECT}?v=2`, { method: "POST", body: "en=a\u0000" }],
    ["encoded CR LF in the body", `${COLLECT}?v=2`, { method: "POST", body: "en=a%0D%0Aset-cookie:%20x" }],
    ["a body that is not UTF-8", `${COLLECT}?v=2`, { method: "POST", body: new Uint8Array([0x65, 0x6e, 0x3d, 0xff]) }],
  ])("%s → 400", async (_name, path, init) => {
    const { request, upstream } = makeBeaconGate();
    const res = await request(path, { ...init, headers: WITH_ANALYTICS } as RequestInit);
    expect(res.status).toBe(400);
    expect(upstream).toHaveLength(0);
  });

  it("does not follow an upstream redirect, and still answers 204", async () => {
    const { request, upstream } = makeBeaconGate(
      () => new Response(null, { status: 302, headers: { location: "https://evil.example/steal" } }),
    );
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await request(`${COLLECT}?${PAGE_VIEW_GET}`, { headers: WITH_ANALYTICS });
    expect(res.status).toBe(204);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.redirect).toBe("manual");
    expect(errors.mock.calls.flat().join(" ")).toContain("redirect not followed");
  });
});

describe("logs", () => {
  it("never contain an address, cid, uid or cookie value, whatever goes wrong", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(" "));
      });
    const answers = [
      () => new Response(null, { status: 302, headers: { location: "https://x.example/" } }),
      () => new Response("no", { status: 500 }),
      () => {
        throw new TypeError("network down 198.51.100.23");
      },
      () => new Response("<html>", { status: 200, headers: { "content-type": "text/html" } }),
    ];
    for (const answer of answers) {
      const { request } = makeBeaconGate(answer);
      await request(`${COLLECT}?${IDENTIFYING_GET}`, { headers: WITH_ANALYTICS });
      await request(`${COLLECT}?${BATCH_QUERY}`, { method: "POST", body: BATCH_BODY, headers: WITH_ANALYTICS });
      await request(`${COLLECT}?v=2&cid=1489945657.1691089601&en=a%0D%0A`, { headers: WITH_ANALYTICS });
      await request("/__gk/ga/gtag/js?id=G-LOGS12345", { headers: WITH_ANALYTICS });
    }
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join("\n");
    for (const secret of [
      "198.51.100",
      "203.0.113",
      "1489945657",
      "00000.000000",
      "customer-8841",
      "s3cr3t",
      "GA1.1",
      "GS1.1",
      "AAAAAAAAAAAAAAAAAAAAAA",
    ])
      expect(all, secret).not.toContain(secret);
  });
});

describe("GET /__gk/ga/gtag/js", () => {
  it("serves gtag.js fetched from googletagmanager.com with no client headers, and caches it", async () => {
    const { request, upstream } = makeBeaconGate(undefined, { files: filesWithIds("G-CACHE0001") });
    const first = await request("/__gk/ga/gtag/js?id=G-CACHE0001", { headers: WITH_ANALYTICS });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(GTAG_JS);
    expect(first.headers.get("content-type")).toBe("application/javascript; charset=UTF-8");
    expect(first.headers.get("cache-control")).toBe("public, max-age=300");
    expect(first.headers.has("set-cookie")).toBe(false);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.url.href).toBe("https://www.googletagmanager.com/gtag/js?id=G-CACHE0001");
    expect(upstream[0]!.redirect).toBe("manual");
    expect([...upstream[0]!.headers]).toEqual([["accept", "*/*"]]);

    const second = await request("/__gk/ga/gtag/js?id=G-CACHE0001", { headers: WITH_ANALYTICS });
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(GTAG_JS);
    expect(upstream).toHaveLength(1);
  });

  it("keeps one cache entry per measurement id and data layer, in policy order", async () => {
    const { request, upstream } = makeBeaconGate(undefined, { files: filesWithIds("G-CACHE0002", "G-CACHE0003") });
    const headers = WITH_ANALYTICS;
    await request("/__gk/ga/gtag/js?l=kpLayer&id=G-CACHE0002", { headers });
    await request("/__gk/ga/gtag/js?id=G-CACHE0002&l=kpLayer", { headers });
    await request("/__gk/ga/gtag/js?id=G-CACHE0003&l=kpLayer", { headers });
    expect(upstream.map((u) => u.url.search)).toEqual(["?id=G-CACHE0002&l=kpLayer", "?id=G-CACHE0003&l=kpLayer"]);
  });

  it.each([
    ["no id", "/__gk/ga/gtag/js"],
    ["an id twice", "/__gk/ga/gtag/js?id=G-DEMO12345&id=G-OTHER1234"],
    ["an unknown parameter", "/__gk/ga/gtag/js?id=G-DEMO12345&url=https://evil.example/"],
    ["a data layer that is not a name", "/__gk/ga/gtag/js?id=G-DEMO12345&l=a;alert(1)"],
    ["CR LF in the query", "/__gk/ga/gtag/js?id=G-DEMO12345%0D%0Ax"],
    ["an absolute URL as id", "/__gk/ga/gtag/js?id=https://evil.example/"],
  ])("%s → 400, nothing fetched", async (_name, path) => {
    const { request, upstream } = makeBeaconGate();
    expect((await request(path)).status).toBe(400);
    expect(upstream).toHaveLength(0);
  });

  it("POST → 405", async () => {
    const { request } = makeBeaconGate();
    const res = await request("/__gk/ga/gtag/js?id=G-DEMO12345", { method: "POST", body: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it.each([
    [
      "a redirect (not followed)",
      () => new Response(null, { status: 302, headers: { location: "https://evil.example/x.js" } }),
    ],
    ["a 404", () => new Response("nope", { status: 404 })],
    ["HTML", () => new Response("<html>", { headers: { "content-type": "text/html" } })],
    ["a network error", () => Promise.reject(new TypeError("down"))],
  ])("upstream answering %s → 502, not cached", async (_name, answer) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const id = `G-FAIL${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const files = filesWithIds(id);
    const headers = WITH_ANALYTICS;
    const failing = makeBeaconGate(answer, { files });
    expect((await failing.request(`/__gk/ga/gtag/js?id=${id}`, { headers })).status).toBe(502);
    expect(failing.upstream).toHaveLength(1);
    const working = makeBeaconGate(undefined, { files });
    expect((await working.request(`/__gk/ga/gtag/js?id=${id}`, { headers })).status).toBe(200);
    expect(working.upstream).toHaveLength(1);
  });
});

describe("rate limiting (wrangler.toml [[ratelimits]] GA_BEACON_LIMITER, run by miniflare)", () => {
  const limiter = (env as unknown as Record<string, unknown>).GA_BEACON_LIMITER;

  it("is bound in the test runtime", () => {
    expect(typeof (limiter as RateLimit | undefined)?.limit).toBe("function");
  });

  it("answers 429 once a client address passes the limit, and other addresses go on", async () => {
    const { request, upstream } = makeBeaconGate(undefined, { env: { GA_BEACON_LIMITER: limiter } });
    const headers = { ...WITH_ANALYTICS, "cf-connecting-ip": "192.0.2.200" };
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++)
      statuses.push((await request(`${COLLECT}?v=2&tid=G-DEMO12345&en=e${i}`, { headers })).status);
    expect(statuses.slice(0, 100).every((s) => s === 204)).toBe(true);
    expect(statuses[100]).toBe(429);
    expect(upstream).toHaveLength(100);
    const other = await request(`${COLLECT}?v=2&tid=G-DEMO12345&en=x`, {
      headers: { ...headers, "cf-connecting-ip": "192.0.2.201" },
    });
    expect(other.status).toBe(204);
  });
});
