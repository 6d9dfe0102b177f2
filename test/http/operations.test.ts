/** Shadow mode and the structured request log. */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { consentCookie, html, makeGate, shippedFiles } from "../helpers/gate";

const PAGE = `<!doctype html><html><head><script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script>
<script>window.intercomSettings={app_id:"a1"};</script></head><body><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe></noscript>
<div class="elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f"></div><p>x</p></body></html>`;

/** Runs a request and returns the response and the request log lines it wrote. */
async function logged(run: () => Response | Promise<Response>) {
  const spy = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    const res = await run();
    const body = await res.text();
    const lines = spy.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('{"gk":"request"'));
    return { res, body, lines: lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: lines };
  } finally {
    spy.mockRestore();
  }
}

describe("shadow mode", () => {
  const shadowFiles = () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].mode = "shadow";
    return files;
  };

  it("changes nothing in the page, its headers or the request, and logs what enforce would remove", async () => {
    const headers = new Headers({
      "content-type": "text/html; charset=utf-8",
      "content-length": String(new TextEncoder().encode(PAGE).length),
    });
    headers.append("set-cookie", "_ga=GA1.1; Path=/");
    headers.append("link", "<https://www.googletagmanager.com>; rel=preconnect");
    const { request, sent } = makeGate(() => new Response(PAGE, { headers }), shadowFiles());
    const { res, body, lines } = await logged(() =>
      request("/hinnasto?email=a@b.fi", { headers: { cookie: "_ga=GA1.2; session=s" } }),
    );
    expect(body).toBe(PAGE);
    expect(res.headers.get("content-length")).toBe(headers.get("content-length"));
    expect(res.headers.getSetCookie()).toEqual(["_ga=GA1.1; Path=/"]);
    expect(res.headers.get("link")).toBe("<https://www.googletagmanager.com>; rel=preconnect");
    for (const name of ["vary", "content-security-policy-report-only", "content-security-policy"])
      expect(res.headers.has(name), name).toBe(false);
    expect(sent[0]!.headers.get("cookie")).toBe("_ga=GA1.2; session=s");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ mode: "shadow", path: "/hinnasto" });
    expect(lines[0]!.removed).toEqual({ elfsight: 1, "google-tag-manager": 2, intercom: 1 });
  });
});

describe("unremovable vendor references", () => {
  // A first-party script naming a refused vendor's host in a data string, and a host put
  // together at run time: nothing to remove, so the log says the page needs the CSP.
  const REFS = `<!doctype html><html><head><script>var help = "Chat: widget.intercom.io is blocked";
var h = "intercom" + ".io"; var s = document.createElement("script"); s.src = "https://widget." + h + "/widget/a1";</script></head><body><p>x</p></body></html>`;

  it("are counted per vendor in the request log, in enforce and shadow mode, and the page is unchanged", async () => {
    const files = shippedFiles();
    files["policies/sites/default.yaml"].mode = "shadow";
    for (const [name, gate] of [
      ["enforce", makeGate(() => html(REFS))],
      ["shadow", makeGate(() => html(REFS), files)],
    ] as const) {
      const { body, lines } = await logged(() => gate.request("/"));
      expect(body, name).toContain(REFS.slice(REFS.indexOf("<script>"), REFS.indexOf("</script>")));
      expect(lines[0]!.references, name).toEqual({ intercom: 1 });
      expect(lines[0]!.removed, name).toEqual({});
    }
  });

  it("include a refused vendor's host in a data block, which passes unchanged", async () => {
    const data = `<script type="application/json" id="__NEXT_DATA__">{"props":{"src":"https://www.googletagmanager.com/gtm.js?id=GTM-1","chat":"widget.intercom.io"}}</script>`;
    const { body, lines } = await logged(() => makeGate(() => html(`<p>x</p>${data}`)).request("/"));
    expect(body).toContain(data);
    expect(lines[0]!.references).toEqual({ "google-analytics": 1, "google-tag-manager": 1, intercom: 1 });
  });

  it("are not logged once the vendor is allowed, nor on a page without any", async () => {
    const allowed = await logged(() =>
      makeGate(() => html(REFS)).request("/", { headers: { cookie: consentCookie(["functional"]) } }),
    );
    expect(allowed.lines[0]!).not.toHaveProperty("references");
    const plain = await logged(() => makeGate(() => html("<p>x</p>")).request("/"));
    expect(plain.lines[0]!).not.toHaveProperty("references");
  });
});

describe("the request log", () => {
  it("is one line per request with the decision, removals, source, timing and policy version", async () => {
    const { request } = makeGate(() => html(PAGE));
    const { lines } = await logged(() =>
      request("/a/b?q=secret", { method: "GET", headers: { cookie: consentCookie(["analytics"]) } }),
    );
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(Object.keys(line)).toEqual([
      "gk",
      "method",
      "path",
      "status",
      "html",
      "mode",
      "site",
      "policyVersion",
      "basis",
      "source",
      "allowed",
      "gpc",
      "removed",
      "ms",
      "cache",
    ]);
    expect(line).toMatchObject({
      gk: "request",
      method: "GET",
      path: "/a/b",
      status: 200,
      html: true,
      mode: "enforce",
      site: "default",
      policyVersion: 1,
      basis: "consent",
      source: "gatekeeper",
      allowed: ["analytics", "necessary"],
      gpc: false,
      cache: "bypass; reason=off",
    });
    expect(line.removed).toEqual({ elfsight: 1, "google-tag-manager": 2, intercom: 1 });
    expect(typeof line.ms).toBe("number");
  });

  it("logs a page once it has streamed through when every purpose is allowed (nothing to remove)", async () => {
    const { request } = makeGate(() => html(PAGE));
    const all = ["functional", "analytics", "marketing", "social"];
    const { lines } = await logged(() => request("/kaikki", { headers: { cookie: consentCookie(all) } }));
    expect(lines).toEqual([expect.objectContaining({ path: "/kaikki", html: true, basis: "consent", removed: {} })]);
  });

  it("logs non-HTML responses at once, with nothing removed", async () => {
    const { request } = makeGate(() => new Response("{}", { headers: { "content-type": "application/json" } }));
    const { lines } = await logged(() => request("/api"));
    expect(lines).toEqual([
      expect.objectContaining({ html: false, removed: {}, basis: "no-consent", source: null, cache: null }),
    ]);
  });

  it("never carries an IP, a cookie value, a consent id or a query (property)", async () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{12,20}$/);
    await fc.assert(
      fc.asyncProperty(token, token, token, fc.ipV4(), fc.ipV6(), async (query, cookieValue, id, ip4, ip6) => {
        const { request } = makeGate(() => html(PAGE));
        const consent = consentCookie(["functional"]).replace(
          "AAAAAAAAAAAAAAAAAAAAAA",
          `${id}${"A".repeat(22 - Math.min(22, id.length))}`.slice(0, 22),
        );
        const { raw } = await logged(() =>
          request(`/p?token=${query}`, {
            headers: {
              cookie: `session=${cookieValue}; ${consent}`,
              "cf-connecting-ip": ip4,
              "x-forwarded-for": `${ip6}, ${ip4}`,
              "user-agent": `Mozilla/5.0 ${cookieValue}`,
            },
          }),
        );
        expect(raw).toHaveLength(1);
        for (const secret of [query, cookieValue, id.slice(0, 12), ip4, ip6])
          expect(raw[0], secret).not.toContain(secret);
      }),
      { numRuns: 60 },
    );
  });
});
