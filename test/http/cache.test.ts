/**
 * The consent-bucket cache, through the real app in workerd with Miniflare's Cache API: what is
 * stored, what is answered from it, and every reason it is not used.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, NOW, ORIGIN, type OriginHandler, SITE, shippedFiles } from "../helpers/gate";

const PAGE = `<!doctype html><html><head><title>t</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO12345"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());gtag('config','G-DEMO12345');</script>
<script>window.intercomSettings={app_id:"a1"};</script></head>
<body><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe></noscript>
<div class="elfsight-app-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"></div><p>Hei</p></body></html>`;

const PUBLIC = { "content-type": "text/html; charset=utf-8", "cache-control": "public, max-age=300" };
const page = (headers: Record<string, string> = {}, body = PAGE) =>
  new Response(body, { headers: { ...PUBLIC, ...headers } });

type Files = Record<string, any>;
interface Put {
  key: string;
  cacheControl: string | null;
}

let caches_ = 0;
/** A fresh cache of its own, with every put recorded. */
async function freshCache(): Promise<{ cache: Cache; puts: Put[] }> {
  const real = await caches.open(`cache-test-${++caches_}-${Date.now()}`);
  const puts: Put[] = [];
  const cache = {
    match: (key: RequestInfo | URL, options?: CacheQueryOptions) => real.match(key, options),
    put: (key: RequestInfo | URL, response: Response) => {
      puts.push({ key: String(key), cacheControl: response.headers.get("cache-control") });
      return real.put(key, response);
    },
    delete: (key: RequestInfo | URL, options?: CacheQueryOptions) => real.delete(key, options),
  } as Cache;
  return { cache, puts };
}

/** The test policy with the cache opted in for `/` and `/blog/*`; `edit` changes the site file. */
function cachedFiles(edit?: (site: any, files: Files) => void): Files {
  const files = shippedFiles();
  const site = files["policies/sites/default.yaml"];
  site.cache = { paths: ["/", "/blog/*"], maxTtlSeconds: 600 };
  edit?.(site, files);
  return files;
}

/** The real app on that policy, with an injected origin and cache. */
async function cachedGate(
  origin: OriginHandler,
  options: { files?: Files; cache?: Cache; env?: Record<string, unknown> } = {},
) {
  const { cache, puts } = options.cache ? { cache: options.cache, puts: [] as Put[] } : await freshCache();
  const calls: Request[] = [];
  const app = createApp({
    policy: activatePolicy(options.files ?? cachedFiles()),
    now: () => NOW,
    cache,
    fetch: async (input, init) => {
      const req = new Request(String(input), init);
      calls.push(req);
      return origin(req);
    },
  });
  const get = async (path: string, init: RequestInit = {}, env: Record<string, unknown> = {}) => {
    const ctx = createExecutionContext();
    const res = await app.request(
      new Request(new URL(path, SITE), init),
      undefined,
      { ORIGIN, ...options.env, ...env },
      ctx,
    );
    const body = await res.text();
    await waitOnExecutionContext(ctx);
    return { res, body, said: res.headers.get("x-gatekeeper-cache") };
  };
  return { get, calls, cache, puts };
}

describe("a public page in an opted-in path", () => {
  it("is a miss first, then a hit: the same bytes and headers, without the origin", async () => {
    const gate = await cachedGate(() => page());
    const first = await gate.get("/");
    expect(first.said).toBe("miss");
    expect(first.body).toContain("data-gatekeeper");
    expect(first.body).not.toContain("googletagmanager.com");
    const second = await gate.get("/");
    expect(second.said).toBe("hit");
    expect(second.body).toBe(first.body);
    expect(gate.calls).toHaveLength(1);
    for (const name of [
      "content-type",
      "cache-control",
      "vary",
      "content-security-policy-report-only",
      "x-content-type-options",
    ])
      expect(second.res.headers.get(name), name).toBe(first.res.headers.get(name));
    // Toward browsers the page stays keyed on the visitor's consent, as on a miss.
    expect(second.res.headers.get("vary")).toBe("Cookie, Sec-GPC, Accept-Language");
    expect(second.res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(second.res.headers.has("x-gk-cache-control")).toBe(false);
    expect(second.res.headers.has("cf-cache-status")).toBe(false);
    expect(Number(second.res.headers.get("age"))).toBeGreaterThanOrEqual(0);
  });

  it("answers HEAD from the GET's entry, with no body; a HEAD with nothing stored goes to the origin", async () => {
    const gate = await cachedGate((req) => (req.method === "HEAD" ? page({}, "") : page()));
    const head = await gate.get("/", { method: "HEAD" });
    expect(head.said).toBe("bypass; reason=head");
    expect(gate.calls.map((r) => r.method)).toEqual(["HEAD"]);
    const got = await gate.get("/");
    expect(got.said).toBe("miss");
    const again = await gate.get("/", { method: "HEAD" });
    expect(again.said).toBe("hit");
    expect(again.body).toBe("");
    expect(again.res.headers.get("content-type")).toBe(got.res.headers.get("content-type"));
    expect(gate.calls.map((r) => r.method)).toEqual(["HEAD", "GET"]);
  });

  it("keeps it for the origin's lifetime (s-maxage, else max-age), capped by the site file", async () => {
    for (const [cacheControl, ttl] of [
      ["public, max-age=300", 300],
      ["public, max-age=60, s-maxage=120", 120],
      ["s-maxage=45", 45],
      ["public, max-age=99999", 600],
      ["public, s-maxage=86400, max-age=10", 600],
    ] as const) {
      const gate = await cachedGate(() => page({ "cache-control": cacheControl }));
      expect((await gate.get("/")).said, cacheControl).toBe("miss");
      expect(
        gate.puts.map((p) => p.cacheControl),
        cacheControl,
      ).toEqual([`s-maxage=${ttl}`]);
    }
  });

  it("expires a withdrawn visitor's refused cookies on a hit too", async () => {
    const gate = await cachedGate(() => page());
    const withdrawn = { cookie: `${consentCookie([])}; _ga=GA1.1.1.1` };
    expect((await gate.get("/", { headers: withdrawn })).said).toBe("miss");
    const hit = await gate.get("/", { headers: withdrawn });
    expect(hit.said).toBe("hit");
    expect(hit.res.headers.getSetCookie().some((c) => c.startsWith("_ga=;") && /Max-Age=0/i.test(c))).toBe(true);
    // ... and the next visitor in that bucket, without a _ga, gets none.
    const clean = await gate.get("/", { headers: { cookie: consentCookie([]) } });
    expect(clean.said).toBe("hit");
    expect(clean.res.headers.getSetCookie()).toEqual([]);
  });

  it("logs what the cache did, on a hit as on a miss", async () => {
    const gate = await cachedGate(() => page());
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await gate.get("/");
      await gate.get("/");
      const lines = spy.mock.calls
        .map((c) => String(c[0]))
        .filter((l) => l.startsWith('{"gk":"request"'))
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.cache)).toEqual(["miss", "hit"]);
      expect(lines[1]).toMatchObject({ status: 200, html: true, basis: "no-consent", removed: {} });
    } finally {
      spy.mockRestore();
    }
  });

  it("never stores a page cut short: the next request is a miss again", async () => {
    let first = true;
    const gate = await cachedGate(() => {
      if (!first) return page();
      first = false;
      // The origin sends part of the page, then the connection breaks.
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new Error("connection reset by peer"));
          sent = true;
          controller.enqueue(
            new TextEncoder().encode(`<!doctype html><html><head><title>x</title>${"x".repeat(5000)}`),
          );
        },
      });
      return new Response(body, { headers: PUBLIC });
    });
    await expect(gate.get("/")).rejects.toThrow();
    expect((await gate.get("/")).said).toBe("miss");
    expect((await gate.get("/")).said).toBe("hit");
    expect(gate.puts).toHaveLength(1);
  });
});

describe("it bypasses the cache, and says why", () => {
  const cases: Array<[string, OriginHandler, RequestInit, string, Files?]> = [
    ["a path not opted in", () => page(), {}, "off"],
    ["POST", () => page(), { method: "POST", body: "a=1" }, "method"],
    ["Authorization", () => page(), { headers: { authorization: "Bearer x" } }, "authorization"],
    ["a necessary session cookie", () => page(), { headers: { cookie: "session=abc" } }, "session-cookie"],
    ["a 404", () => new Response(PAGE, { status: 404, headers: PUBLIC }), {}, "status"],
    ["no Cache-Control", () => page({ "cache-control": "" }), {}, "cache-control"],
    ["max-age without public", () => page({ "cache-control": "max-age=300" }), {}, "cache-control"],
    ["private", () => page({ "cache-control": "public, private, max-age=300" }), {}, "cache-control"],
    ["no-store", () => page({ "cache-control": "public, no-store, max-age=300" }), {}, "cache-control"],
    ["no-cache", () => page({ "cache-control": "public, no-cache, max-age=300" }), {}, "cache-control"],
    ["public without a lifetime", () => page({ "cache-control": "public" }), {}, "cache-control"],
    ["Set-Cookie", () => page({ "set-cookie": "AWSALB=x; Path=/" }), {}, "set-cookie"],
    [
      "a CSP nonce",
      () => page({ "content-security-policy": "script-src 'nonce-abc123' 'strict-dynamic'" }),
      {},
      "nonce",
    ],
    ["Vary: *", () => page({ vary: "*" }), {}, "vary"],
  ];
  for (const [what, origin, init, reason] of cases) {
    it(`${what}: bypass; reason=${reason}`, async () => {
      const gate = await cachedGate(origin);
      const path = reason === "off" ? "/hinnasto" : "/";
      const first = await gate.get(path, init);
      const second = await gate.get(path, init);
      expect(first.said).toBe(`bypass; reason=${reason}`);
      expect(second.said).toBe(`bypass; reason=${reason}`);
      expect(gate.calls).toHaveLength(2);
      expect(gate.puts).toEqual([]);
    });
  }

  it("the site's sessionCookies replace the required purposes' cookies; the consent cookie never counts", async () => {
    const files = cachedFiles((site) => {
      site.cache.sessionCookies = ["session"];
    });
    const gate = await cachedGate(() => page(), { files });
    const alb = { headers: { cookie: `AWSALB=x; ${consentCookie(["analytics"])}` } };
    expect((await gate.get("/", alb)).said).toBe("miss");
    expect((await gate.get("/", alb)).said).toBe("hit");
    expect((await gate.get("/", { headers: { cookie: "session=s" } })).said).toBe("bypass; reason=session-cookie");
    // Without the list, every cookie of a required purpose's vendor makes the request personal.
    const strict = await cachedGate(() => page());
    expect((await strict.get("/", alb)).said).toBe("bypass; reason=session-cookie");
  });

  it("shadow mode: the page and its headers are left alone, and the log says so", async () => {
    const files = cachedFiles((site) => {
      site.mode = "shadow";
    });
    const gate = await cachedGate(() => page(), { files });
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const got = await gate.get("/");
      expect(got.said).toBeNull();
      expect(got.body).toBe(PAGE);
      const line = JSON.parse(spy.mock.calls.map((c) => String(c[0])).find((l) => l.startsWith('{"gk"'))!);
      expect(line.cache).toBe("bypass; reason=shadow");
    } finally {
      spy.mockRestore();
    }
  });

  it("no header on what is not HTML", async () => {
    const gate = await cachedGate(
      () => new Response("{}", { headers: { ...PUBLIC, "content-type": "application/json" } }),
    );
    expect((await gate.get("/")).said).toBeNull();
  });
});

describe("the key", () => {
  it("changes with the policy version, any policy edit, and the deploy: never an older bucket", async () => {
    const { cache } = await freshCache();
    const base = await cachedGate(() => page(), { cache, env: { CF_VERSION_METADATA: { id: "v1" } } });
    expect((await base.get("/")).said).toBe("miss");
    expect((await base.get("/")).said).toBe("hit");

    const bumped = await cachedGate(() => page(), {
      cache,
      files: cachedFiles((site) => {
        site.version = 2;
      }),
      env: { CF_VERSION_METADATA: { id: "v1" } },
    });
    expect((await bumped.get("/")).said).toBe("miss");

    const edited = await cachedGate(() => page(), {
      cache,
      files: cachedFiles((site) => {
        site.ui.texts.fi.bannerTitle = "Uusi otsikko";
      }),
      env: { CF_VERSION_METADATA: { id: "v1" } },
    });
    const got = await edited.get("/");
    expect(got.said).toBe("miss");
    expect(got.body).toContain("Uusi otsikko");

    const deployed = await cachedGate(() => page(), { cache, env: { CF_VERSION_METADATA: { id: "v2" } } });
    expect((await deployed.get("/")).said).toBe("miss");
    // The first deploy's bucket is still there for it: the key, not a purge, keeps them apart.
    expect((await base.get("/")).said).toBe("hit");
  });

  it("holds the URL's query, the banner's language and whether the document is top level", async () => {
    const gate = await cachedGate(() => page());
    expect((await gate.get("/")).said).toBe("miss");
    expect((await gate.get("/?a=1")).said).toBe("miss");
    const sv = await gate.get("/", { headers: { "accept-language": "sv" } });
    expect(sv.said).toBe("miss");
    expect(sv.body).toContain("Godkänn alla");
    const frame = await gate.get("/", { headers: { "sec-fetch-dest": "iframe" } });
    expect(frame.said).toBe("miss");
    expect(frame.body).not.toContain("Hyväksy kaikki");
    expect((await gate.get("/", { headers: { "accept-language": "sv" } })).said).toBe("hit");
    expect((await gate.get("/blog/x")).said).toBe("miss");
  });

  it("holds the request's values of the headers the origin's Vary names (but Cookie)", async () => {
    const gate = await cachedGate((req) =>
      page({ vary: "X-Variant, Cookie, Accept-Encoding" }, PAGE.replace("Hei", `Hei ${req.headers.get("x-variant")}`)),
    );
    const a = { headers: { "x-variant": "a" } };
    const b = { headers: { "x-variant": "b" } };
    expect((await gate.get("/", a)).said).toBe("miss");
    const hitA = await gate.get("/", a);
    expect(hitA.said).toBe("hit");
    expect(hitA.body).toContain("Hei a");
    expect((await gate.get("/", b)).said).toBe("miss");
    const hitB = await gate.get("/", b);
    expect(hitB.said).toBe("hit");
    expect(hitB.body).toContain("Hei b");
    expect((await gate.get("/", a)).body).toContain("Hei a");
    // The origin's own Vary goes out as it came, with the gatekeeper's added.
    expect(hitA.res.headers.get("vary")).toBe("X-Variant, Cookie, Accept-Encoding, Sec-GPC, Accept-Language");
    expect(gate.calls).toHaveLength(2);
  });
});

/** Consent states a visitor can be in: none, garbled, any set of purposes, with or without GPC. */
const visitor = fc.record({
  consent: fc.oneof(
    fc.constant<null | string[]>(null),
    fc.constant<null | string[]>([]),
    fc.subarray(["functional", "analytics", "marketing", "social"]),
  ),
  garbled: fc.boolean(),
  gpc: fc.boolean(),
  lang: fc.constantFrom("fi", "sv", "en"),
});
type Visitor = typeof visitor extends fc.Arbitrary<infer T> ? T : never;

function headersOf(v: Visitor): Record<string, string> {
  const headers: Record<string, string> = { "accept-language": v.lang };
  if (v.consent) headers.cookie = v.garbled ? "gk_consent=%%%garbled" : consentCookie(v.consent);
  if (v.gpc) headers["sec-gpc"] = "1";
  return headers;
}

describe("properties", () => {
  it("a hit is byte for byte the page the visitor would have got without the cache", async () => {
    await fc.assert(
      fc.asyncProperty(visitor, visitor, async (first, second) => {
        const gate = await cachedGate(() => page());
        await gate.get("/", { headers: headersOf(first) });
        const got = await gate.get("/", { headers: headersOf(second) });
        const fresh = await (await cachedGate(() => page())).get("/", { headers: headersOf(second) });
        expect(got.body).toBe(fresh.body);
        expect(got.res.headers.get("content-security-policy-report-only")).toBe(
          fresh.res.headers.get("content-security-policy-report-only"),
        );
        // Two requests share an entry only when the gatekeeper writes the same page for both.
        if (got.said === "hit") expect(got.body).toBe((await gate.get("/", { headers: headersOf(first) })).body);
      }),
      { numRuns: 25 },
    );
  });

  it("a withdrawn visitor is never served a consented page", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(["functional", "analytics", "marketing", "social"], { minLength: 1 }),
        fc.constantFrom("fi", "sv", "en"),
        fc.boolean(),
        async (purposes, lang, gpc) => {
          // With Sec-GPC: 1 the test policy refuses marketing whatever the cookie says: a visitor
          // who allowed only marketing is then already in the withdrawn bucket, rightly.
          fc.pre(purposes.some((p) => !(gpc && p === "marketing")));
          const gate = await cachedGate(() => page());
          const extra: Record<string, string> = gpc ? { "sec-gpc": "1" } : {};
          const consented = { "accept-language": lang, cookie: consentCookie(purposes), ...extra };
          await gate.get("/", { headers: consented });
          expect((await gate.get("/", { headers: consented })).said).toBe("hit");
          const withdrawn = await gate.get("/", {
            headers: { "accept-language": lang, cookie: consentCookie([]), ...extra },
          });
          expect(withdrawn.said).toBe("miss");
          for (const vendor of ["googletagmanager.com", "intercomSettings", "elfsight-app"])
            expect(withdrawn.body).not.toContain(vendor);
          expect(withdrawn.body).toContain('data-state="{&quot;allowed&quot;:[&quot;necessary&quot;]');
        },
      ),
      { numRuns: 20 },
    );
  });
});
