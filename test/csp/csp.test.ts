/** The CSP built from the decision, and the report endpoint. */
import { describe, expect, it, vi } from "vitest";
import { summarise } from "../../scripts/csp-report";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, html, makeGate, SHIPPED, shippedFiles } from "../helpers/gate";

const ALL = ["functional", "analytics", "marketing", "social"];
const { policy } = activatePolicy(SHIPPED);
const hostsOf = (purpose: string) => policy.vendorFiles.filter((v) => v.purpose === purpose).flatMap((v) => v.hosts);

async function cspFor(cookie: string, init: ResponseInit = {}, files = shippedFiles()) {
  const { request } = makeGate(() => html("<p>x</p>", init), files);
  const res = await request("/", { headers: { cookie } });
  return {
    res,
    csp: res.headers.get("content-security-policy-report-only") ?? res.headers.get("content-security-policy") ?? "",
  };
}

const directive = (csp: string, name: string) =>
  csp
    .split("; ")
    .find((d) => d.startsWith(`${name} `))
    ?.split(" ")
    .slice(1) ?? [];

describe("the CSP header per decision", () => {
  it("is report-only by default, with only 'self' for vendors when nothing is allowed", async () => {
    const { res, csp } = await cspFor(consentCookie([]));
    expect(res.headers.has("content-security-policy")).toBe(false);
    expect(csp).toBe(
      "script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self'; frame-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; report-uri /__gk/csp-report; report-to gk-csp",
    );
    expect(res.headers.get("reporting-endpoints")).toBe('gk-csp="/__gk/csp-report"');
  });

  it.each([["functional"], ["analytics"], ["marketing"], ["social"]])(
    "with %s alone, never lists a refused vendor's hosts",
    async (purpose) => {
      const { csp } = await cspFor(consentCookie([purpose]));
      for (const other of ALL.filter((p) => p !== purpose))
        for (const host of hostsOf(other))
          expect(csp, `${other} ${host}`).not.toContain(`//${host.replace(/^\*\./, "")} `);
      const scripts = directive(csp, "script-src");
      for (const host of hostsOf(purpose).filter(
        (h) => !ALL.filter((p) => p !== purpose).some((o) => hostsOf(o).includes(h)),
      ))
        expect(scripts, host).toContain(`https://${host.replace(/^\*\./, "")}`);
    },
  );

  it("analytics alone keeps www.googletagmanager.com out: GTM (refused) claims it too", async () => {
    const { csp } = await cspFor(consentCookie(["analytics"]));
    expect(csp).not.toContain("googletagmanager.com");
    expect(directive(csp, "connect-src")).toEqual(
      expect.arrayContaining(["https://google-analytics.com", "https://*.google-analytics.com"]),
    );
  });

  it("everything allowed lists every vendor host, with wss: for connections", async () => {
    const { csp } = await cspFor(consentCookie(ALL));
    expect(directive(csp, "script-src")).toEqual(
      expect.arrayContaining([
        "https://www.googletagmanager.com",
        "https://*.intercom.io",
        "https://intercom.io",
        "https://*.elfsight.com",
      ]),
    );
    expect(directive(csp, "connect-src")).toContain("wss://*.intercom.io");
    expect(csp).not.toContain("strict-dynamic");
  });

  it("enforce sends Content-Security-Policy, off sends none", async () => {
    const enforce = shippedFiles();
    enforce["policies/sites/default.yaml"].csp.mode = "enforce";
    expect((await cspFor(consentCookie([]), {}, enforce)).res.headers.get("content-security-policy")).toContain(
      "script-src 'self'",
    );
    const off = shippedFiles();
    off["policies/sites/default.yaml"].csp.mode = "off";
    const { res } = await cspFor(consentCookie([]), {}, off);
    expect(res.headers.has("content-security-policy-report-only")).toBe(false);
    expect(res.headers.has("content-security-policy")).toBe(false);
  });

  it("never loosens the origin's CSP and keeps its nonce and hashes valid", async () => {
    const origin = "script-src 'nonce-abc123' 'sha256-AbC+/=' 'strict-dynamic'; object-src 'none'; base-uri 'none'";
    const files = shippedFiles();
    files["policies/sites/default.yaml"].csp.mode = "enforce";
    const { res } = await cspFor(
      consentCookie(["analytics"]),
      { headers: { "content-security-policy": origin } },
      files,
    );
    const both = res.headers.get("content-security-policy") ?? "";
    // Two policies, both enforced: the origin's first, untouched.
    expect(both.startsWith(`${origin}, script-src 'self'`)).toBe(true);
    const ours = both.slice(origin.length + 2);
    expect(directive(ours, "script-src")).toEqual(expect.arrayContaining(["'nonce-abc123'", "'sha256-AbC+/='"]));
    expect(ours).not.toContain("strict-dynamic");
  });

  it("on http, reports through report-uri only: Chromium ignores report-uri beside report-to and takes Reporting-Endpoints only over https", async () => {
    const { request } = makeGate(() => html("<p>x</p>"));
    const res = await request("http://localhost:8787/", { headers: { cookie: consentCookie([]) } });
    const csp = res.headers.get("content-security-policy-report-only") ?? "";
    expect(csp.endsWith("; report-uri /__gk/csp-report")).toBe(true);
    expect(csp).not.toContain("report-to");
    expect(res.headers.has("reporting-endpoints")).toBe(false);
  });

  it("is only for HTML", async () => {
    const { request } = makeGate(() => new Response("{}", { headers: { "content-type": "application/json" } }));
    const res = await request("/x.json");
    expect(res.headers.has("content-security-policy-report-only")).toBe(false);
  });
});

describe("POST /__gk/csp-report", () => {
  const post = (body: string, type: string) => {
    const { request } = makeGate(() => html(""));
    return request("/__gk/csp-report", { method: "POST", body, headers: { "content-type": type } });
  };

  it("counts a legacy report by host, vendor and purpose, without the URL's path or query", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const res = await post(
      JSON.stringify({
        "csp-report": {
          "document-uri": "https://kevyt.example/page?email=a@b.fi",
          "blocked-uri": "https://connect.facebook.net/en_US/fbevents.js?id=123&u=secret",
          "effective-directive": "script-src-elem",
          "violated-directive": "script-src-elem",
          disposition: "report",
        },
      }),
      "application/csp-report",
    );
    expect(res.status).toBe(204);
    const line = String(log.mock.calls.at(-1)?.[0]);
    log.mockRestore();
    expect(JSON.parse(line)).toEqual({
      gk: "csp-violation",
      blocked: "connect.facebook.net",
      directive: "script-src-elem",
      disposition: "report",
      vendor: "meta-pixel",
      purpose: "marketing",
    });
    expect(line).not.toMatch(/secret|email|fbevents|kevyt\.example/);
  });

  it("accepts the Reporting API format", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const res = await post(
      JSON.stringify([
        {
          type: "csp-violation",
          age: 1,
          url: "https://kevyt.example/",
          body: {
            blockedURL: "https://cdn.unknown.example/x.js",
            effectiveDirective: "script-src-elem",
            disposition: "enforce",
          },
        },
        { type: "deprecation", body: {} },
      ]),
      "application/reports+json",
    );
    const lines = log.mock.calls.map((c) => JSON.parse(String(c[0])));
    log.mockRestore();
    expect(res.status).toBe(204);
    expect(lines).toEqual([
      {
        gk: "csp-violation",
        blocked: "cdn.unknown.example",
        directive: "script-src-elem",
        disposition: "enforce",
        vendor: "unknown",
        purpose: "unclassified",
      },
    ]);
  });

  it("refuses garbage, other types and oversized bodies", async () => {
    expect((await post("not json", "application/csp-report")).status).toBe(400);
    expect((await post("{}", "text/plain")).status).toBe(415);
    expect(
      (await post(JSON.stringify({ "csp-report": { x: "y".repeat(70_000) } }), "application/csp-report")).status,
    ).toBe(413);
  });
});

describe("npm run csp:report", () => {
  it("sums the logged violations and names the unclassified hosts", () => {
    const line = (blocked: string, vendor: string, purpose: string, disposition = "report") =>
      JSON.stringify({ gk: "csp-violation", blocked, directive: "script-src-elem", disposition, vendor, purpose });
    const tail = JSON.stringify({ logs: [{ message: [line("connect.facebook.net", "meta-pixel", "marketing")] }] });
    const text = [
      line("connect.facebook.net", "meta-pixel", "marketing"),
      tail,
      line("cdn.unknown.example", "unknown", "unclassified", "enforce"),
      "noise",
    ].join("\n");
    expect(summarise(text)).toBe(`3 CSP violations, 2 blocked hosts

| count | blocked host | vendor | purpose | directives | blocked / reported |
|---:|---|---|---|---|---|
| 2 | connect.facebook.net | meta-pixel | marketing | script-src-elem 2 | 0 / 2 |
| 1 | cdn.unknown.example | unknown | unclassified | script-src-elem 1 | 1 / 0 |

Unclassified third parties (add each to a vendor file in policies/vendors/): cdn.unknown.example
`);
  });
});
