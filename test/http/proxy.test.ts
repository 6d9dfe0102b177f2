/**
 * The proxy edge with an injected origin: what goes to the origin, what comes back, and that
 * the page streams. Real-fetch cases (content decoding, refused connections) use the loopback
 * stub origin from global-setup.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, html, makeGate, NOW, ORIGIN, SHIPPED, SITE, shippedFiles } from "../helpers/gate";
import { withoutInjected } from "../helpers/injected";

const VENDOR_PAGE = `<html><head><script src="https://www.googletagmanager.com/gtm.js?id=GTM-X"></script></head><body>ok</body></html>`;

describe("requests to the origin", () => {
  it("keeps method, path, query, body and end-to-end headers", async () => {
    const { request, sent } = makeGate(async (req) => new Response(await req.text(), { status: 201 }));
    const res = await request("/api/x?a=1&b=%20", {
      method: "POST",
      body: "payload",
      headers: { "content-type": "text/plain", "x-custom": "v", authorization: "Bearer t", cookie: "session=s1" },
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("payload");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(`${ORIGIN}/api/x?a=1&b=%20`);
    expect(sent[0]?.init.method).toBe("POST");
    expect(sent[0]?.init.redirect).toBe("manual");
    const h = sent[0]!.headers;
    expect(h.get("x-custom")).toBe("v");
    expect(h.get("authorization")).toBe("Bearer t");
    expect(h.get("cookie")).toBe("session=s1");
    expect(h.get("x-forwarded-host")).toBe(new URL(SITE).host);
    expect(h.get("x-forwarded-proto")).toBe("https");
  });

  it("drops hop-by-hop headers and those named in Connection (RFC 9110 §7.6.1)", async () => {
    const { request, sent } = makeGate(() => new Response("x"));
    await request("/", {
      headers: {
        connection: "keep-alive, x-secret-hop",
        "keep-alive": "timeout=5",
        "x-secret-hop": "1",
        te: "trailers",
        "proxy-authorization": "Basic x",
        upgrade: "h2c",
        "x-kept": "1",
      },
    });
    const h = sent[0]!.headers;
    for (const name of ["connection", "keep-alive", "x-secret-hop", "te", "proxy-authorization", "upgrade"])
      expect(h.has(name), name).toBe(false);
    expect(h.get("x-kept")).toBe("1");
  });

  it("asks the origin only for encodings the runtime decodes", async () => {
    const { request, sent } = makeGate(() => new Response("x"));
    await request("/", { headers: { "accept-encoding": "zstd, br;q=0.9, deflate, gzip;q=0" } });
    await request("/", { headers: { "accept-encoding": "deflate" } });
    expect(sent[0]!.headers.get("accept-encoding")).toBe("br");
    expect(sent[1]!.headers.get("accept-encoding")).toBe("identity");
  });
});

describe("responses from the origin", () => {
  it("passes redirects back without following them, pointing origin-absolute ones at the site", async () => {
    const { request, sent } = makeGate((req) =>
      new URL(req.url).pathname === "/a"
        ? new Response(null, { status: 302, headers: { location: `${ORIGIN}/b?x=1` } })
        : new Response(null, { status: 301, headers: { location: "https://elsewhere.example/c" } }),
    );
    const a = await request("/a");
    expect(a.status).toBe(302);
    expect(a.headers.get("location")).toBe(`${SITE}/b?x=1`);
    const other = await request("/other");
    expect(other.status).toBe(301);
    expect(other.headers.get("location")).toBe("https://elsewhere.example/c");
    expect(sent).toHaveLength(2);
  });

  it("rewrites HTML, dropping Content-Length and keeping status, every Set-Cookie and caching headers", async () => {
    const headers = new Headers({
      "content-type": "text/html",
      "content-length": String(VENDOR_PAGE.length),
      "cache-control": "max-age=60",
      etag: '"e1"',
      vary: "Accept-Encoding",
    });
    headers.append("set-cookie", "AWSALB=a; Path=/");
    headers.append("set-cookie", "AWSALBCORS=a; Path=/; SameSite=None; Secure");
    const { request } = makeGate(() => new Response(VENDOR_PAGE, { status: 404, headers }));
    const res = await request("/");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("gtm.js");
    expect(res.headers.has("content-length")).toBe(false);
    expect(res.headers.getSetCookie()).toEqual(["AWSALB=a; Path=/", "AWSALBCORS=a; Path=/; SameSite=None; Secure"]);
    expect(res.headers.get("cache-control")).toBe("max-age=60");
    expect(res.headers.get("vary")).toBe("Accept-Encoding, Cookie, Sec-GPC, Accept-Language");
  });

  it("drops hop-by-hop response headers", async () => {
    const { request } = makeGate(
      () =>
        new Response("x", { headers: { connection: "x-hop", "x-hop": "1", "keep-alive": "timeout=5", "x-end": "1" } }),
    );
    const res = await request("/");
    expect(res.headers.has("x-hop")).toBe(false);
    expect(res.headers.has("keep-alive")).toBe(false);
    expect(res.headers.get("x-end")).toBe("1");
  });

  it("streams everything that is not HTML untouched", async () => {
    const body = `{"src":"https://www.googletagmanager.com/gtm.js"}`;
    const { request } = makeGate(
      () =>
        new Response(body, { headers: { "content-type": "application/json", "content-length": String(body.length) } }),
    );
    const res = await request("/data.json");
    expect(await res.text()).toBe(body);
    expect(res.headers.get("content-length")).toBe(String(body.length));
    expect(res.headers.has("vary")).toBe(false);
  });

  it.each([
    ["206 Partial Content", 206, { "content-range": `bytes 0-${VENDOR_PAGE.length - 1}/${VENDOR_PAGE.length}` }],
    ["a Content-Range on 200", 200, { "content-range": `bytes 0-${VENDOR_PAGE.length - 1}/${VENDOR_PAGE.length}` }],
  ])("leaves %s untouched", async (_name, status, extra) => {
    const { request } = makeGate(() => html(VENDOR_PAGE, { status, headers: extra }));
    const res = await request("/", { headers: { range: "bytes=0-" } });
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(VENDOR_PAGE);
  });

  it.each([204, 304])("passes %i through with no body", async (status) => {
    const { request } = makeGate(
      () => new Response(null, { status, headers: { "content-type": "text/html", etag: '"e"' } }),
    );
    const res = await request("/");
    expect(res.status).toBe(status);
    expect(res.headers.get("etag")).toBe('"e"');
    expect(await res.text()).toBe("");
  });

  it("answers HEAD with the origin's headers and no body", async () => {
    const { request, sent } = makeGate(
      () => new Response(null, { headers: { "content-type": "text/html", "content-length": "1234" } }),
    );
    const res = await request("/", { method: "HEAD" });
    expect(sent[0]?.init.method).toBe("HEAD");
    expect(res.headers.get("content-length")).toBe("1234");
  });

  it("removes refused vendors from Link headers and keeps the rest byte for byte", async () => {
    const link =
      '</app.css>; rel=preload; as=style, <https://www.googletagmanager.com>; rel=preconnect, <https://widget.intercom.io/widget/x>; rel="preload"; as="script"';
    const { request } = makeGate(() => html("<p>x</p>", { headers: { link } }));
    expect((await request("/")).headers.get("link")).toBe("</app.css>; rel=preload; as=style");
    const all = await request("/", {
      headers: { cookie: consentCookie(["functional", "analytics", "marketing", "social"]) },
    });
    expect(all.headers.get("link")).toBe(link);
  });
});

describe("streaming", () => {
  it("sends the head before the origin has finished the body", async () => {
    let push!: (s: string) => void;
    let end!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const enc = new TextEncoder();
        push = (s) => controller.enqueue(enc.encode(s));
        end = () => controller.close();
      },
    });
    const { request } = makeGate(() => new Response(body, { headers: { "content-type": "text/html" } }));
    push(`<html><head><title>first</title></head><body>${"<p>para</p>".repeat(2000)}`);
    const res = await request("/");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let first = "";
    while (!first.includes("<title>first</title>")) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      first += value;
    }
    // The origin has not finished: the rest arrives only now.
    push(`<script src="https://www.googletagmanager.com/gtm.js"></script><p>last</p></body></html>`);
    end();
    let rest = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
    }
    expect(rest).toContain("<p>last</p>");
    expect(first + rest).not.toContain("gtm.js");
  });
});

describe("origin failures", () => {
  it("answers 502 with a plain page and no internals when the origin fetch fails", async () => {
    const { request } = makeGate(() => {
      throw new TypeError("Network connection lost. at internal.js:12");
    });
    const res = await request("/");
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain("data-gatekeeper");
    expect(text).not.toMatch(/internal\.js|TypeError|stack/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 504 when the origin does not answer within the policy's timeout", async () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].origin.timeoutMs = 100;
    const app = createApp({
      policy: activatePolicy(files),
      now: () => NOW,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
        ),
    });
    const res = await app.request(new Request(`${SITE}/slow`), undefined, { ORIGIN });
    expect(res.status).toBe(504);
  });

  it("answers 502 when the origin refuses the connection (real fetch)", async () => {
    const app = createApp({ policy: activatePolicy(SHIPPED), now: () => NOW });
    const res = await app.request(new Request(`${SITE}/`), undefined, { ORIGIN: "http://127.0.0.1:9" });
    expect(res.status).toBe(502);
  });
});

describe("content encodings from a real origin", () => {
  const app = createApp({ policy: activatePolicy(SHIPPED), now: () => NOW });
  const page = `<p>x</p><script src="https://www.googletagmanager.com/gtm.js?id=GTM-X"></script><p>é y</p>`;
  const get = (encoding: string) =>
    app.request(
      new Request(`${SITE}/html?encoding=${encodeURIComponent(encoding)}&body=${encodeURIComponent(page)}`, {
        headers: { "accept-encoding": "gzip, br" },
      }),
      undefined,
      {
        ORIGIN: (env as unknown as { STUB_ORIGIN: string }).STUB_ORIGIN,
      },
    );

  it.each(["", "gzip", "br"])("reads %s and removes the tags", async (encoding) => {
    const res = await get(encoding);
    expect(res.status).toBe(200);
    expect(withoutInjected(await res.text())).toBe("<p>x</p><p>é y</p>");
  });

  it.each(["deflate", "zstd", "gzip, br", "x-unknown"])(
    "refuses %s rather than pass it through unfiltered",
    async (encoding) => {
      const res = await get(encoding);
      expect(res.status).toBe(502);
      expect(await res.text()).not.toContain("gtm.js");
    },
  );
});
