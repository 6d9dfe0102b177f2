/**
 * Fault injection: what the visitor gets when the origin misbehaves or the page is
 * hostile. The rule in every case: never a complete-looking page with a refused tag in it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { judgeBody } from "../../scripts/bench/leak-judge.mjs";
import { createApp } from "../../src/app";
import { activatePolicy } from "../../src/policy/active";
import { html, makeGate, NOW, SHIPPED, SITE, stripInjected } from "../helpers/gate";
import { withoutInjected } from "../helpers/injected";

const GTM = `<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>`;
const enc = new TextEncoder();

/** Reads a body to the end; `failed` when the stream errored (a truncated, aborted page). */
async function drain(res: Response): Promise<{ text: string; failed: boolean }> {
  const reader = res.body!.getReader();
  const bytes: number[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text: new TextDecoder().decode(new Uint8Array(bytes)), failed: false };
      bytes.push(...value);
    }
  } catch {
    return { text: new TextDecoder().decode(new Uint8Array(bytes)), failed: true };
  }
}

/** An origin body that sends `head`, then breaks the connection. */
function resetAfter(head: string, type = "text/html"): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(enc.encode(head));
      } else controller.error(new Error("connection reset by peer"));
    },
  });
  return new Response(body, { headers: { "content-type": type } });
}

describe("origin faults", () => {
  it.each(["text/html", "application/javascript"])(
    "a reset mid-body (%s) reaches the visitor as an aborted stream, never a complete page",
    async (type) => {
      const { request } = makeGate(() => resetAfter(`<html><body><p>part</p>${"x".repeat(5000)}`, type));
      const { failed, text } = await drain(await request("/"));
      expect(failed).toBe(true);
      expect(judgeBody({ text, aborted: failed, expect: "cut" }).problems).toEqual([]);
    },
  );

  it.each([404, 410, 500, 503])("filters a %i HTML page and keeps its status", async (status) => {
    const { request } = makeGate(() => html(`<h1>Virhe</h1>${GTM}`, { status }));
    const res = await request("/missing");
    expect(res.status).toBe(status);
    expect((await res.text()).startsWith("<h1>Virhe</h1>")).toBe(true);
  });

  it("a slow drip, one byte at a time, is filtered like any page", async () => {
    const page = `<p>a</p>${GTM}<p>b</p>`;
    const bytes = enc.encode(page);
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, 0));
        if (i < bytes.length) controller.enqueue(bytes.slice(i, ++i));
        else controller.close();
      },
    });
    const { request } = makeGate(() => new Response(body, { headers: { "content-type": "text/html" } }));
    const { text, failed } = await drain(await request("/"));
    expect(failed).toBe(false);
    expect(withoutInjected(text)).toMatch(/^<p>a<\/p><p>b<\/p>/);
  });
});

/**
 * The same gate with the runtime's real fetch, in front of the loopback stub origin
 * (test/helpers/stub-origin.ts): workerd's own HTTP client reads the origin's bytes.
 */
const realGate = createApp({ policy: activatePolicy(SHIPPED), now: () => NOW });
const viaStub = (path: string) =>
  realGate.request(new Request(new URL(path, SITE)), undefined, {
    ORIGIN: (env as unknown as { STUB_ORIGIN: string }).STUB_ORIGIN,
  });

describe("a slow drip from a real origin", () => {
  it.each([1, 3])("%i byte(s) per socket write, the tag cut at every boundary: removed, all else kept", async (n) => {
    const page = `<!doctype html><html><head><title>t</title></head><body><p>a</p>${GTM}<p>b</p></body></html>`;
    const res = await viaStub(`/drip?bytes=${n}&body=${encodeURIComponent(page)}`);
    const { text, failed } = await drain(res);
    expect(failed).toBe(false);
    expect(withoutInjected(text)).toBe(page.replace(GTM, ""));
  });
});

describe("conflicting message framing from a real origin (RFC 9112 §6)", () => {
  // The page with a refused tag between two paragraphs; the first Content-Length below covers
  // only `<p>a</p>`, so a recipient framing by Content-Length would see a page without the tag.
  const PAGE = `<!doctype html><html><head><title>t</title></head><body><p>a</p>${GTM}<p>b</p></body></html>`;
  const SHORT = PAGE.indexOf("<p>a</p>") + "<p>a</p>".length;
  const FILTERED = PAGE.replace(GTM, "");
  const chunked = (body: string) => `${enc.encode(body).length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const head = (...lines: string[]) =>
    ["HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8", "Connection: close", ...lines].join("\r\n") +
    "\r\n\r\n";
  const raw = (bytes: string) => viaStub(`/raw?response=${btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_")}`);

  // What workerd's HTTP client does with each (pinned here; see docs/SECURITY.md A6). "TE" rows:
  // the body is framed by Transfer-Encoding, which overrides Content-Length (§6.3 rule 3), and
  // the gate filters the whole page. "refused" rows: fetch rejects, and the gate answers 502.
  it.each([
    ["Content-Length and Transfer-Encoding: chunked", head(`Content-Length: ${SHORT}`, "Transfer-Encoding: chunked")],
    [
      "Transfer-Encoding: chunked before Content-Length",
      head("Transfer-Encoding: chunked", `Content-Length: ${SHORT}`),
    ],
    [
      "a Content-Length longer than the chunked body",
      head(`Content-Length: ${PAGE.length + 500}`, "Transfer-Encoding: chunked"),
    ],
    [
      "Transfer-Encoding: chunked twice (decoded once)",
      head("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
    ],
    [
      "whitespace before the colon: `Transfer-Encoding : chunked`",
      head(`Content-Length: ${SHORT}`, "Transfer-Encoding : chunked"),
    ],
    [
      "HTTP/1.0 with Transfer-Encoding and Content-Length",
      head(`Content-Length: ${SHORT}`, "Transfer-Encoding: chunked").replace("HTTP/1.1", "HTTP/1.0"),
    ],
  ])("%s: framed by Transfer-Encoding, the whole page filtered", async (_name, header) => {
    const res = await raw(header + chunked(PAGE));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBeNull();
    const { text, failed } = await drain(res);
    expect(failed).toBe(false);
    expect(withoutInjected(text)).toBe(FILTERED);
  });

  it.each([
    ["two different Content-Lengths", head(`Content-Length: ${SHORT}`, `Content-Length: ${PAGE.length}`), PAGE],
    ["the same Content-Length twice", head(`Content-Length: ${PAGE.length}`, `Content-Length: ${PAGE.length}`), PAGE],
    ["a Content-Length list `n, n`", head(`Content-Length: ${PAGE.length}, ${PAGE.length}`), PAGE],
    ["a Content-Length with a sign", head(`Content-Length: +${PAGE.length}`), PAGE],
    ["Transfer-Encoding: chunked, identity", head("Transfer-Encoding: chunked, identity"), chunked(PAGE)],
    ["Transfer-Encoding: gzip, chunked", head("Transfer-Encoding: gzip, chunked"), chunked(PAGE)],
    [
      "Transfer-Encoding: xchunked with Content-Length",
      head("Transfer-Encoding: xchunked", `Content-Length: ${PAGE.length}`),
      PAGE,
    ],
    [
      "an obs-folded Transfer-Encoding with Content-Length",
      head(`Content-Length: ${SHORT}`, "Transfer-Encoding:", " chunked"),
      chunked(PAGE),
    ],
  ])("%s: refused, a clean 502 and nothing of the page", async (_name, header, body) => {
    const res = await raw(header + body);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toContain("data-gatekeeper");
    expect(text).not.toContain("<p>a</p>");
    expect(text).not.toContain("googletagmanager");
  });

  it("a Content-Length longer than what arrives before the close: an aborted stream, never a complete page", async () => {
    // Cut inside the tag's URL: `<script src="https:/`.
    const res = await raw(head(`Content-Length: ${PAGE.length}`) + PAGE.slice(0, SHORT + 20));
    const { text, failed } = await drain(res);
    expect(failed).toBe(true);
    expect(text).toContain("<p>a</p>");
    const verdict = judgeBody({ text, aborted: failed, expect: "cut", refused: ["<script src"], end: "</body>" });
    expect(verdict).toEqual({ leaks: [], problems: [], truncated: false });
  });

  it("bytes after a Content-Length body (a second response smuggled behind it) never reach the visitor", async () => {
    const first = PAGE.replace(GTM, "");
    const second = head(`Content-Length: ${PAGE.length}`) + PAGE;
    const res = await raw(head(`Content-Length: ${first.length}`) + first + second);
    const { text, failed } = await drain(res);
    expect(failed).toBe(false);
    expect(withoutInjected(text)).toBe(first);
    expect(text).not.toContain("HTTP/1.1");
  });

  it("no framing at all (the body ends at the close, §6.3 rule 8): the whole page filtered", async () => {
    const res = await raw(head() + PAGE);
    const { text, failed } = await drain(res);
    expect(failed).toBe(false);
    expect(withoutInjected(text)).toBe(FILTERED);
  });
});

describe("character encodings", () => {
  it("keeps windows-1252 bytes as they are and removes the tag", async () => {
    const bytes = new Uint8Array([
      ...enc.encode("<p>"),
      0xe4,
      0xf6,
      ...enc.encode(`</p>${GTM}<p>`),
      0xe5,
      ...enc.encode("</p>"),
    ]);
    const { request } = makeGate(
      () => new Response(bytes, { headers: { "content-type": "text/html; charset=windows-1252" } }),
    );
    // windows-1252 bytes read one character each (the Encoding Standard's "latin1"), injected elements left out.
    const text = withoutInjected(new TextDecoder("latin1").decode(await (await request("/")).arrayBuffer()));
    const out = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect([...out.slice(0, 16)]).toEqual(
      [...enc.encode("<p>"), 0xe4, 0xf6, ...enc.encode("</p><p>"), 0xe5, ...enc.encode("</p>")].slice(0, 16),
    );
    expect(new TextDecoder("latin1").decode(out)).not.toContain("googletagmanager");
  });

  it.each([
    ["ISO-8859-1 by meta charset", `<meta charset="iso-8859-1"><p>x</p>${GTM}`, "text/html"],
    ["UTF-8 with a BOM", `\ufeff<p>ä</p>${GTM}`, "text/html"],
    [
      "a charset switch in http-equiv",
      `<meta http-equiv="content-type" content="text/html; charset=windows-1252"><p>x</p>${GTM}`,
      "text/html; charset=utf-8",
    ],
  ])("%s: tags removed, other bytes kept", async (_name, page, type) => {
    const { request } = makeGate(() => new Response(page, { headers: { "content-type": type } }));
    // Decoded keeping a BOM, so a dropped or doubled BOM would show.
    const out = new TextDecoder("utf-8", { ignoreBOM: true, fatal: false }).decode(
      await (await request("/")).arrayBuffer(),
    );
    expect(withoutInjected(out)).toBe(page.replace(GTM, ""));
  });
});

describe("hostile HTML", () => {
  it("a parser ambiguity (<select><xmp>) aborts the page rather than guess (lol-html strict mode)", async () => {
    const { request } = makeGate(() => html(`<p>before</p><select><xmp>${GTM}</xmp></select><p>after</p>`));
    const { failed, text } = await drain(await request("/"));
    expect(failed).toBe(true);
    const verdict = judgeBody({
      text,
      aborted: failed,
      expect: "cut",
      refused: ["googletagmanager"],
      end: "<p>after</p>",
    });
    expect(verdict).toEqual({ leaks: [], problems: [], truncated: false });
  });

  it("an <img> inside SVG <style> (which the browser parses as markup) is removed", async () => {
    const { request } = makeGate(() =>
      html(`<svg><style><img src="https://www.googletagmanager.com/gtm.js"></style></svg>`),
    );
    expect(await (await request("/")).text()).not.toContain("googletagmanager");
  });

  it("10,000 attributes on one element and 5,000 levels of nesting still stream through", async () => {
    const attrs = Array.from({ length: 10_000 }, (_, i) => `data-a${i}="${i}"`).join(" ");
    const page = `<div ${attrs}></div>${"<div>".repeat(5000)}${GTM}${"</div>".repeat(5000)}`;
    const { request } = makeGate(() => html(page));
    const out = await (await request("/")).text();
    expect((await stripInjected(out)).length).toBe(page.length - GTM.length);
    expect(out).not.toContain("googletagmanager");
  });
});

describe("hostile requests", () => {
  it("a cookie bomb of 300 cookies, one of them a forged consent, means no consent", async () => {
    const bomb = Array.from({ length: 300 }, (_, i) => `c${i}=${"x".repeat(10)}`).join("; ");
    const { request } = makeGate(() => html(GTM));
    const out = await (
      await request("/", { headers: { cookie: `${bomb}; gk_consent=1.1.all.1.AAAAAAAAAAAAAAAAAAAAAA` } })
    ).text();
    expect(out).not.toContain("googletagmanager");
  });

  it("NUL, CR and LF in the consent form's return are refused", async () => {
    const { request } = makeGate(() => html(""));
    for (const bad of ["/a%00b", "/a%0d%0aSet-Cookie:x=1", "/a%0ab"]) {
      const res = await request("/__gk/consent", {
        method: "POST",
        body: `allow=none&return=${bad}`,
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://kevyt.example" },
      });
      expect(res.headers.get("location"), bad).toBe("/");
    }
  });
});
