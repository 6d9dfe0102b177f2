/**
 * fast-check properties: for random hits (parameter maps in the query and in body lines, names in
 * any letter case) and random request headers, in every consent state, no denied identifier and
 * no client address ever reaches the upstream request (URL, headers or body), the upstream is
 * always the policy's, and nothing upstream holds CR, LF or NUL. Run on the pure planner and on
 * the whole worker.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planBeacon, type UpstreamRequest } from "../../src/beacon/request";
import { activatePolicy } from "../../src/policy/active";
import type { CompiledBeacon } from "../../src/policy/beacons";
import { consentCookie, shippedFiles } from "../helpers/gate";
import { SITE_ORIGIN } from "./fixtures";
import { makeBeaconGate } from "./helpers";

const GA = "policies/vendors/google-analytics.yaml";

function beacon(withoutConsent: "drop" | "anonymous"): CompiledBeacon {
  const files = shippedFiles();
  files[GA].beacon.withoutConsent = withoutConsent;
  return activatePolicy(files).policy.beacons[0]!;
}
const BEACONS = { drop: beacon("drop"), anonymous: beacon("anonymous") };

/** Never forwarded in any state. */
const ALWAYS_DENIED = [
  "uid",
  "user_id",
  "_uip",
  "uip",
  "ua",
  "_gl",
  "ecid",
  "em",
  "_fid",
  "uaa",
  "uab",
  "uafvl",
  "uam",
  "uamb",
  "uap",
  "uapv",
  "uaw",
];
/** Identifiers forwarded only while analytics is allowed. */
const CONSENTED_ONLY = ["cid", "sid", "sct", "seg", "_p", "_s", "_fv", "_ss", "_nsi"];
const ALLOWED = ["v", "tid", "gtm", "en", "dt", "ul", "sr", "_et", "_ee", "ep.form", "epn.value", "gcs", "tfd"];
const IP_HEADERS = [
  "cf-connecting-ip",
  "x-forwarded-for",
  "x-real-ip",
  "true-client-ip",
  "forwarded",
  "x-client-ip",
  "fastly-client-ip",
];

/** A value no other part of the hit can contain by chance. */
const secret = fc.stringMatching(/^[a-z0-9]{12}$/).map((s) => `zq${s}`);
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((up) => [...name].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(""));
const userProperty = fc.stringMatching(/^(up|upn)\.[a-z_]{1,12}$/);

type Param = { name: string; value: string; kind: "denied" | "consented-only" | "other" };
const param: fc.Arbitrary<Param> = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom(...ALWAYS_DENIED).chain(anyCase), userProperty), secret).map(([name, value]) => ({
    name,
    value,
    kind: "denied" as const,
  })),
  fc.tuple(fc.constantFrom(...CONSENTED_ONLY).chain(anyCase), secret).map(([name, value]) => ({
    name,
    value,
    kind: "consented-only" as const,
  })),
  fc
    .tuple(fc.oneof(fc.constantFrom(...ALLOWED), fc.stringMatching(/^[a-z_.]{1,10}$/)), fc.string({ maxLength: 40 }))
    .map(([name, value]) => ({ name, value, kind: "other" as const })),
  // Page URLs carrying a linker, an email and a secret query parameter.
  fc.tuple(fc.constantFrom("dl", "dr", "DL"), secret).map(([name, value]) => ({
    name,
    value: `https://kevyt.example/p?_gl=1~${value}~&email=${value}%40example.fi&q=${value}#${value}`,
    kind: "denied" as const,
  })),
);
const encode = (ps: Param[]) => ps.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value)}`).join("&");

const ipv6 = fc.ipV6().filter((ip) => ip.length >= 8);
const address = fc.oneof(
  fc.ipV4().filter((ip) => !ip.endsWith(".0") && ip.length >= 9),
  ipv6,
);
const headers = fc.record({
  ips: fc.array(fc.tuple(fc.constantFrom(...IP_HEADERS), address), { maxLength: 5 }),
  cookieSecrets: fc.array(secret, { maxLength: 3 }),
  hints: fc.array(
    fc.tuple(
      fc.constantFrom("sec-ch-ua", "sec-ch-ua-platform", "sec-ch-ua-model", "sec-ch-ua-full-version-list"),
      secret,
    ),
    { maxLength: 4 },
  ),
  agent: fc.oneof(
    fc.constant("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    fc.string({ maxLength: 80 }),
  ),
});
type HeaderCase = typeof headers extends fc.Arbitrary<infer T> ? T : never;

function buildHeaders(h: HeaderCase, consent: string | null): { headers: Headers; secrets: string[] } {
  const out = new Headers();
  const secrets: string[] = [];
  for (const [name, ip] of h.ips) {
    out.append(name, name === "forwarded" ? `for="${ip}"` : ip);
    secrets.push(ip);
  }
  const cookies = h.cookieSecrets.map((v, i) => `_ga${i}=${v}`);
  if (consent) cookies.push(consent);
  if (cookies.length) out.set("cookie", cookies.join("; "));
  secrets.push(...h.cookieSecrets);
  for (const [name, value] of h.hints) {
    out.set(name, value);
    secrets.push(value);
  }
  try {
    out.set("user-agent", h.agent);
  } catch {
    // Not a valid header value: the request would not have carried it.
  }
  return { headers: out, secrets };
}

function upstreamText(up: UpstreamRequest): string {
  return `${decodeURIComponent(up.url)}\n${up.url}\n${JSON.stringify(up.headers)}\n${up.body ?? ""}\n${decodeURIComponent(up.body ?? "")}`;
}

function hitSecrets(params: Param[], allowed: boolean): string[] {
  return params.filter((p) => p.kind === "denied" || (p.kind === "consented-only" && !allowed)).map((p) => p.value);
}

const hit = fc.record({
  query: fc.array(param, { maxLength: 12 }),
  lines: fc.array(fc.array(param, { minLength: 1, maxLength: 6 }), { maxLength: 4 }),
  post: fc.boolean(),
  allowed: fc.boolean(),
  withoutConsent: fc.constantFrom("drop" as const, "anonymous" as const),
  headers,
});

describe("the planner", () => {
  it("never forwards a denied identifier or a client address, in any consent state", () => {
    fc.assert(
      fc.property(hit, (h) => {
        const b = BEACONS[h.withoutConsent];
        const { headers: hs, secrets } = buildHeaders(h.headers, null);
        const params = [...h.query, ...h.lines.flat()];
        const plan = planBeacon(b, {
          method: h.post ? "POST" : "GET",
          url: new URL(`${SITE_ORIGIN}/__gk/ga/g/collect?${encode(h.query)}`),
          headers: hs,
          body: h.post ? h.lines.map(encode).join("\n") : "",
          allowed: h.allowed,
        });
        if (plan.kind !== "forward") return;
        expect(h.allowed || h.withoutConsent === "anonymous").toBe(true);
        const up = plan.upstream;
        expect(up.url.startsWith("https://region1.google-analytics.com/g/collect")).toBe(true);
        expect(Object.keys(up.headers).every((k) => ["user-agent", "referer", "content-type"].includes(k))).toBe(true);
        const text = upstreamText(up);
        for (const s of [...secrets, ...hitSecrets(h.post ? params : h.query, h.allowed)])
          expect(text).not.toContain(s);
        expect(/[\r\0]/.test(up.url + JSON.stringify(up.headers))).toBe(false);
        for (const line of (up.body ?? "").split("\r\n")) expect(/[\r\n\0]/.test(line)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it("drops every hit without consent when the policy says drop", () => {
    fc.assert(
      fc.property(fc.array(param, { minLength: 1, maxLength: 12 }), headers, (query, h) => {
        const plan = planBeacon(BEACONS.drop, {
          method: "GET",
          url: new URL(`${SITE_ORIGIN}/__gk/ga/g/collect?${encode(query)}`),
          headers: buildHeaders(h, null).headers,
          body: "",
          allowed: false,
        });
        expect(plan.kind === "forward").toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the whole worker", () => {
  it("sends Google no denied identifier, cookie, client hint or address", async () => {
    await fc.assert(
      fc.asyncProperty(hit, async (h) => {
        const files = shippedFiles();
        files[GA].beacon.withoutConsent = h.withoutConsent;
        const { request, upstream } = makeBeaconGate(undefined, { files });
        const { headers: hs, secrets } = buildHeaders(h.headers, h.allowed ? consentCookie(["analytics"]) : null);
        const init: RequestInit = h.post
          ? { method: "POST", body: h.lines.map(encode).join("\r\n"), headers: hs }
          : { headers: hs };
        const res = await request(`/__gk/ga/g/collect?${encode(h.query)}`, init);
        expect([204, 400]).toContain(res.status);
        const params = [...h.query, ...(h.post ? h.lines.flat() : [])];
        for (const up of upstream) {
          expect(up.url.origin + up.url.pathname).toBe("https://region1.google-analytics.com/g/collect");
          expect(up.redirect).toBe("manual");
          const text = upstreamText({
            method: up.method as "GET",
            url: up.url.href,
            headers: Object.fromEntries(up.headers),
            body: up.body,
          });
          for (const s of [...secrets, ...hitSecrets(params, h.allowed), "gk_consent"]) expect(text).not.toContain(s);
        }
      }),
      { numRuns: 150 },
    );
  });
});
