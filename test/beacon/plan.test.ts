/**
 * planBeacon(), the pure core: real gtag hits in (test/beacon/fixtures.ts), and exactly what goes
 * upstream out, per consent state.
 */
import { describe, expect, it } from "vitest";
import { type BeaconRequest, planBeacon } from "../../src/beacon/request";
import { activatePolicy } from "../../src/policy/active";
import type { CompiledBeacon } from "../../src/policy/beacons";
import { shippedFiles } from "../helpers/gate";
import { BATCH_BODY, BATCH_QUERY, CHROME_HEADERS, IDENTIFYING_GET, PAGE_VIEW_GET, SITE_ORIGIN } from "./fixtures";
import { pairs } from "./helpers";

const GA = "policies/vendors/google-analytics.yaml";

function beaconWith(edit: (b: any) => void = () => {}): CompiledBeacon {
  const files = shippedFiles();
  edit(files[GA].beacon);
  const active = activatePolicy(files);
  expect(active.diagnostics).toEqual([]);
  const beacon = active.policy.beacons[0];
  if (!beacon) throw new Error("no beacon");
  return beacon;
}

const SHIPPED_BEACON = beaconWith();
const ANONYMOUS_BEACON = beaconWith((b) => {
  b.withoutConsent = "anonymous";
});

function hit(query: string, init: Partial<BeaconRequest> = {}): BeaconRequest {
  return {
    method: "GET",
    url: new URL(`${SITE_ORIGIN}/__gk/ga/g/collect?${query}`),
    headers: new Headers(CHROME_HEADERS),
    body: "",
    allowed: true,
    ...init,
  };
}

function forwarded(plan: ReturnType<typeof planBeacon>) {
  if (plan.kind !== "forward") throw new Error(`expected forward, got ${JSON.stringify(plan)}`);
  return plan.upstream;
}

const GOOGLE = "https://region1.google-analytics.com/g/collect";
const HEADERS = { "user-agent": "Mozilla/5.0 (compatible; Chrome/109)", referer: `${SITE_ORIGIN}/` };

describe("analytics allowed", () => {
  it("forwards a GET page_view without client hints, to the policy's upstream, with only two headers", () => {
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(PAGE_VIEW_GET)));
    expect(up).toEqual({
      method: "GET",
      url:
        `${GOOGLE}?v=2&tid=G-DEMO12345&gtm=45je4620&_p=102644968&cid=1489945657.1691089601&ul=en-us&sr=1920x1080` +
        "&_s=1&sid=1691096027&sct=3&seg=0&dl=https%3A%2F%2Fkevyt.example%2Fblog%2Fhow-google-analytics-collects-data%2F" +
        "&dt=How%20Google%20Analytics%20Collects%20Data%20-%20AnalyticsMarket&en=page_view&_ss=1&_ee=1",
      headers: HEADERS,
    });
  });

  it("forwards a batched POST line by line", () => {
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(BATCH_QUERY, { method: "POST", body: BATCH_BODY })));
    expect(up.method).toBe("POST");
    expect(up.url).toBe(`${GOOGLE}?${BATCH_QUERY}`);
    expect(up.body).toBe("en=page_view&_ee=1\r\nen=scroll&epn.percent_scrolled=90&_et=8");
    expect(up.headers).toEqual({ ...HEADERS, "content-type": "text/plain;charset=UTF-8" });
  });

  it("accepts LF-only line breaks and skips empty lines", () => {
    const body = "en=page_view&_ee=1\n\nen=scroll&epn.percent_scrolled=90&_et=8\n";
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(BATCH_QUERY, { method: "POST", body })));
    expect(up.body).toBe("en=page_view&_ee=1\r\nen=scroll&epn.percent_scrolled=90&_et=8");
  });

  it("strips user id, user properties, IP, linker, page-URL query and personal data", () => {
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(IDENTIFYING_GET)));
    expect(pairs(new URL(up.url).search)).toEqual([
      ["v", "2"],
      ["tid", "G-DEMO12345"],
      ["gtm", "45je4620"],
      ["_p", "102644968"],
      ["cid", "1489945657.1691089601"],
      ["ul", "fi-fi"],
      ["sr", "1920x1080"],
      ["_s", "2"],
      ["sid", "1691096027"],
      ["sct", "3"],
      ["seg", "1"],
      ["dl", "https://kevyt.example/laina?utm_source=newsletter&utm_medium=email"],
      ["dr", "https://www.example.com/search"],
      ["dt", "Laina"],
      ["en", "generate_lead"],
      ["ep.form", "loan_application"],
      ["epn.amount", "5000"],
    ]);
    expect(up.headers).toEqual(HEADERS);
  });

  it("drops a page URL that names a person, and parameters nobody reviewed", () => {
    const q =
      "v=2&tid=G-DEMO12345&cid=1.2&en=page_view&dl=https%3A%2F%2Fkevyt.example%2Fu%2F131052-308T&x_new=1&dt=matti%40example.fi";
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(q)));
    expect(pairs(new URL(up.url).search)).toEqual([
      ["v", "2"],
      ["tid", "G-DEMO12345"],
      ["cid", "1.2"],
      ["en", "page_view"],
    ]);
  });

  it("sends no Referer for a hit from another site, and a bare agent for an unknown one", () => {
    const headers = new Headers({ referer: "https://elsewhere.example/page", "user-agent": "curl/8" });
    const up = forwarded(planBeacon(SHIPPED_BEACON, hit(PAGE_VIEW_GET, { headers })));
    expect(up.headers).toEqual({ "user-agent": "Mozilla/5.0 (compatible)" });
  });

  it("adds the truncated address only when the policy asks", () => {
    const truncating = beaconWith((b) => {
      b.ip.truncate = true;
    });
    const up = forwarded(planBeacon(truncating, hit(IDENTIFYING_GET)));
    const sent = pairs(new URL(up.url).search);
    expect(sent.filter(([n]) => n === "_uip")).toEqual([["_uip", "198.51.100.0"]]);
    expect(up.url).not.toContain("198.51.100.23");
    expect(up.url).not.toContain("203.0.113.77");
  });

  it("lets an allowlisted user property through the up.* denylist", () => {
    const beacon = beaconWith((b) => {
      b.params.consented.keep.push("up.customer_tier");
    });
    const sent = pairs(new URL(forwarded(planBeacon(beacon, hit(IDENTIFYING_GET))).url).search);
    expect(sent).toContainEqual(["up.customer_tier", "gold"]);
    expect(sent.some(([n]) => n === "upn.age")).toBe(false);
  });
});

describe("analytics refused", () => {
  it.each([
    ["GET", PAGE_VIEW_GET, ""],
    ["POST", BATCH_QUERY, BATCH_BODY],
    ["GET", IDENTIFYING_GET, ""],
  ])("drops a %s hit entirely (test policy: withoutConsent drop)", (method, query, body) => {
    expect(planBeacon(SHIPPED_BEACON, hit(query, { method, body, allowed: false }))).toEqual({
      kind: "drop",
      reason: "no consent",
    });
  });

  it("with withoutConsent: anonymous, forwards no client or session id and marks storage denied", () => {
    const up = forwarded(planBeacon(ANONYMOUS_BEACON, hit(IDENTIFYING_GET, { allowed: false })));
    expect(pairs(new URL(up.url).search)).toEqual([
      ["v", "2"],
      ["tid", "G-DEMO12345"],
      ["gtm", "45je4620"],
      ["ul", "fi-fi"],
      ["sr", "1920x1080"],
      ["dl", "https://kevyt.example/laina?utm_source=newsletter&utm_medium=email"],
      ["dr", "https://www.example.com/search"],
      ["dt", "Laina"],
      ["en", "generate_lead"],
      ["ep.form", "loan_application"],
      ["epn.amount", "5000"],
      ["gcs", "G100"],
    ]);
    expect(up.headers).toEqual(HEADERS);
  });

  it("anonymous POST: the body's lines follow the same rules and cannot override gcs", () => {
    const up = forwarded(
      planBeacon(
        ANONYMOUS_BEACON,
        hit(BATCH_QUERY, { method: "POST", body: `${BATCH_BODY}\r\ngcs=G111&en=x`, allowed: false }),
      ),
    );
    expect(up.body).toBe("en=page_view&_ee=1\r\nen=scroll&epn.percent_scrolled=90&_et=8\r\nen=x");
    expect(up.url).not.toContain("cid=");
    expect(up.url).not.toContain("sid=");
    expect(up.url.endsWith("&gcs=G100")).toBe(true);
  });

  it("anonymous state never adds an address, even with truncation on", () => {
    const beacon = beaconWith((b) => {
      b.withoutConsent = "anonymous";
      b.ip.truncate = true;
    });
    expect(forwarded(planBeacon(beacon, hit(PAGE_VIEW_GET, { allowed: false }))).url).not.toContain("_uip");
  });
});

describe("malformed hits", () => {
  it.each([
    ["a CR in a value", hit("v=2&en=a%0Db"), 400],
    ["a LF in a value", hit("v=2&en=a%0Ab"), 400],
    ["a NUL in a name", hit("v=2&e%00n=x"), 400],
    ["a CR inside a body line", hit("v=2", { method: "POST", body: "en=a\rb" }), 400],
    ["a NUL in the body", hit("v=2", { method: "POST", body: "en=a%00" }), 400],
    ["no hit at all", hit(""), 400],
    ["another path", { ...hit("v=2"), url: new URL(`${SITE_ORIGIN}/__gk/ga/g/collect/x?v=2`) }, 400],
    ["PUT", hit("v=2", { method: "PUT" }), 405],
    [
      "JSON",
      hit("v=2", { method: "POST", body: "{}", headers: new Headers({ "content-type": "application/json" }) }),
      415,
    ],
  ])("%s → %i", (_name, request, status) => {
    const plan = planBeacon(SHIPPED_BEACON, request as BeaconRequest);
    expect(plan.kind).toBe("reject");
    expect(plan.kind === "reject" && plan.status).toBe(status);
  });

  it("refuses CR/LF even when consent is refused (checked before the consent branch)", () => {
    expect(planBeacon(SHIPPED_BEACON, hit("v=2&en=a%0D%0Ab", { allowed: false })).kind).toBe("reject");
  });
});
