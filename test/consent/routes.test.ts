/** POST /__gk/consent, /__gk/health, and how the recorded choice drives the gate. */
import { describe, expect, it } from "vitest";
import { parseConsentValue } from "../../src/consent/cookie";
import { consentCookie, consentForm, html, makeGate, NOW, SITE, shippedFiles, stripInjected } from "../helpers/gate";
import { expectPage } from "../helpers/streaming";

function cookieOf(res: Response): { value: string; attributes: string } {
  const header = res.headers.get("set-cookie") ?? "";
  const [pair = "", ...attrs] = header.split("; ");
  expect(pair.startsWith("gk_consent=")).toBe(true);
  return { value: pair.slice("gk_consent=".length), attributes: attrs.join("; ") };
}

describe("POST /__gk/consent", () => {
  it.each([
    ["allow=all", ["analytics", "functional", "marketing", "necessary", "social"]],
    ["allow=none", ["necessary"]],
    ["allow=analytics&allow=social", ["analytics", "necessary", "social"]],
    ["allow=analytics&allow=retired9", ["analytics", "necessary"]],
  ])("%s records exactly those purposes", async (body, purposes) => {
    const { request, sent } = makeGate(() => new Response("origin"));
    const res = await request("/__gk/consent", consentForm(body));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const parsed = parseConsentValue(cookieOf(res).value);
    expect(parsed?.purposes).toEqual(purposes);
    expect(parsed?.version).toBe(1);
    expect(parsed?.issuedAt).toBe(NOW);
    expect(parsed?.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(sent).toHaveLength(0);
  });

  it("sets Secure on https, SameSite=Lax, Path=/ and the policy's lifetime", async () => {
    const { request } = makeGate(() => new Response(""));
    const { attributes } = cookieOf(await request("/__gk/consent", consentForm("allow=all")));
    expect(attributes).toBe(`Max-Age=${365 * 86400}; Path=/; SameSite=Lax; Secure`);
  });

  it("returns to a same-site path, and to / for anything else", async () => {
    const { request } = makeGate(() => new Response(""));
    const at = async (ret: string) =>
      (await request("/__gk/consent", consentForm(`allow=none&return=${encodeURIComponent(ret)}`))).headers.get(
        "location",
      );
    expect(await at("/hinnasto?x=1#top")).toBe("/hinnasto?x=1#top");
    for (const evil of [
      "//evil.example/",
      "/\\evil.example",
      "https://evil.example/",
      "/ok\r\nSet-Cookie: x=1",
      "javascript:alert(1)",
    ]) {
      expect(await at(evil), evil).toBe("/");
    }
  });

  it.each([
    ["a foreign Origin", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain)", { "sec-fetch-site": "same-site" }],
    ["Origin: null", { origin: "null" }],
  ])("refuses %s", async (_name, headers) => {
    const { request } = makeGate(() => new Response(""));
    const res = await request("/__gk/consent", consentForm("allow=all", headers));
    expect(res.status).toBe(403);
    expect(res.headers.has("set-cookie")).toBe(false);
  });

  it.each([
    ["no allow field", "return=/", 400],
    ["all with none", "allow=all&allow=none", 400],
    ["a malformed purpose", "allow=Analytics%00", 400],
  ])("rejects %s", async (_name, body, status) => {
    const { request } = makeGate(() => new Response(""));
    const res = await request("/__gk/consent", consentForm(body));
    expect(res.status).toBe(status);
    expect(res.headers.has("set-cookie")).toBe(false);
  });

  it("rejects other content types and oversized forms", async () => {
    const { request } = makeGate(() => new Response(""));
    expect((await request("/__gk/consent", consentForm("{}", { "content-type": "application/json" }))).status).toBe(
      415,
    );
    expect((await request("/__gk/consent", consentForm(`allow=all&pad=${"x".repeat(9000)}`))).status).toBe(413);
  });

  it("accepts multipart/form-data, as a browser may send it", async () => {
    const { request } = makeGate(() => new Response(""));
    const fd = new FormData();
    fd.append("allow", "functional");
    const res = await request("/__gk/consent", { method: "POST", body: fd, headers: { origin: SITE } });
    expect(res.status).toBe(303);
    expect(parseConsentValue(cookieOf(res).value)?.purposes).toEqual(["functional", "necessary"]);
  });

  it("the recorded cookie then allows exactly its purposes on the next page", async () => {
    const page = `<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script><script src="https://widget.intercom.io/widget/a"></script>`;
    const { request } = makeGate(() => html(page));
    const { value } = cookieOf(await request("/__gk/consent", consentForm("allow=functional")));
    const out = await (await request("/", { headers: { cookie: `other=1; gk_consent=${value}` } })).text();
    expect(await stripInjected(out)).toBe(`<script src="https://widget.intercom.io/widget/a"></script>`);
  });
});

describe("the decision at the gate", () => {
  const page = `<script src="https://www.googletagmanager.com/gtm.js?id=GTM-1"></script><script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`;
  const gtag = `<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`;

  it("Sec-GPC: 1 turns marketing off whatever the cookie says", async () => {
    const { request } = makeGate(() => html(page));
    const res = await request("/", { headers: { cookie: consentCookie(["analytics", "marketing"]), "sec-gpc": "1" } });
    expectPage(await stripInjected(await res.text()), gtag);
  });

  it.each([
    ["consent to an older policy version", consentCookie(["analytics", "marketing"], 0)],
    [
      "a duplicated cookie",
      `${consentCookie(["analytics", "marketing"])}; ${consentCookie(["analytics", "marketing"])}`,
    ],
    ["a garbled cookie", "gk_consent=1.1.analytics-marketing-necessary.xx.AAAAAAAAAAAAAAAAAAAAAA"],
    ["an expired cookie", consentCookie(["analytics", "marketing"], 1, NOW - 366 * 86400)],
  ])("%s means necessary only", async (_name, cookie) => {
    const { request } = makeGate(() => html(page));
    expect(await stripInjected(await (await request("/", { headers: { cookie } })).text())).toBe("");
  });

  it("an invalid policy fails closed: every third-party tag goes, first-party stays", async () => {
    const files = shippedFiles();
    files["policies/vendors/intercom.yaml"].purpose = "chat";
    const { request } = makeGate(
      () =>
        html(
          `<script src="/app.js"></script><script src="https://cdn.unknown-vendor.example/x.js"></script><img src="https://sub.kevyt.example/i.png">${page}`,
        ),
      files,
    );
    const out = await (await request("/", { headers: { cookie: consentCookie(["analytics", "marketing"]) } })).text();
    expect(out).toBe(`<script src="/app.js"></script><img src="https://sub.kevyt.example/i.png">`);
  });
});

describe("GET /__gk/health", () => {
  it("reports the active policy's version", async () => {
    const { request } = makeGate(() => new Response(""));
    const res = await request("/__gk/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      policy: { site: "default", version: 1, errors: 0, mode: "enforce", cspMode: "report-only" },
    });
  });
  it("answers 503 failsafe when the policy is invalid", async () => {
    const files = shippedFiles();
    delete files["policies/purposes.yaml"];
    const { request } = makeGate(() => new Response(""), files);
    const res = await request("/__gk/health");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe("failsafe");
  });
  it("answers 404 for unknown gatekeeper paths without calling the origin", async () => {
    const { request, sent } = makeGate(() => new Response(""));
    expect((await request("/__gk/nope")).status).toBe(404);
    expect(sent).toHaveLength(0);
  });
});
