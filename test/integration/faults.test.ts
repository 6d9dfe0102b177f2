/**
 * Fault injection (issue 9): what the visitor gets when the origin misbehaves or the page is
 * hostile. The rule in every case: never a complete-looking page with a refused tag in it.
 */
import { describe, expect, it } from "vitest";
import { html, makeGate } from "../helpers/gate";

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
      expect(text).not.toContain("</html>");
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
    expect(text).toMatch(/^<p>a<\/p><p>b<\/p>/);
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
    const out = new Uint8Array(await (await request("/")).arrayBuffer());
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
    expect(out).toBe(page.replace(GTM, ""));
  });
});

describe("hostile HTML", () => {
  it("a parser ambiguity (<select><xmp>) aborts the page rather than guess (lol-html strict mode)", async () => {
    const { request } = makeGate(() => html(`<p>before</p><select><xmp>${GTM}</xmp></select><p>after</p>`));
    const { failed, text } = await drain(await request("/"));
    expect(failed).toBe(true);
    expect(text).not.toContain("googletagmanager");
    expect(text).not.toContain("<p>after</p>");
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
    expect(out.length).toBe(page.length - GTM.length);
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
