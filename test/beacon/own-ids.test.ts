/**
 * Only the site's own analytics: hits for a property the site file does not list are
 * dropped (204, nothing forwarded, counted in the log line by reason); a batch with mixed ids
 * forwards only the allowed lines. Examples, a property over random tid batches on the pure
 * planner, and the whole worker with the real gtag batch fixture.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Params } from "../../src/beacon/hit";
import { ownHits } from "../../src/beacon/own-hits";
import { type BeaconRequest, planBeacon } from "../../src/beacon/request";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, SHIPPED } from "../helpers/gate";
import { BATCH_BODY, BATCH_QUERY, CHROME_HEADERS, PAGE_VIEW_GET, SITE_ORIGIN } from "./fixtures";
import { makeBeaconGate, pairs } from "./helpers";

const OWN = "G-DEMO12345";
const OWN_IDS = new Set([OWN, "G-SECOND0001"]);
const COLLECT = "/__gk/ga/g/collect";
const WITH_ANALYTICS = { ...CHROME_HEADERS, cookie: `${CHROME_HEADERS.cookie}; ${consentCookie(["analytics"])}` };
const BEACON = activatePolicy(SHIPPED).policy.beacons[0]!;

const p = (text: string): Params => [...new URLSearchParams(text)];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ownHits", () => {
  it.each<[string, string, string[], boolean, string[], Record<string, number>]>([
    ["a query hit for the site's id", `v=2&tid=${OWN}&en=x`, [], true, [], {}],
    ["a query hit for another property", "v=2&tid=G-FOREIGN001&en=x", [], false, [], { "foreign-id": 1 }],
    ["a query hit without an id", "v=2&en=x", [], false, [], { "no-id": 1 }],
    ["the id in another letter case", `v=2&TID=G-FOREIGN001&tid=${OWN}`, [], false, [], { "foreign-id": 1 }],
    [
      "a batch under the site's id, one line naming another",
      `v=2&tid=${OWN}`,
      ["en=a", "en=b&tid=G-FOREIGN001", `en=c&tid=G-SECOND0001`],
      true,
      ["en=a", "en=c&tid=G-SECOND0001"],
      { "foreign-id": 1 },
    ],
    [
      "a batch without a query id: lines with their own listed id go",
      "v=2",
      [`en=a&tid=${OWN}`, "en=b", "en=c&tid=G-FOREIGN001"],
      true,
      [`en=a&tid=${OWN}`],
      { "no-id": 1, "foreign-id": 1 },
    ],
    [
      "a foreign query id takes the whole batch",
      "v=2&tid=G-FOREIGN001",
      [`en=a&tid=${OWN}`, "en=b"],
      false,
      [],
      {
        "foreign-id": 2,
      },
    ],
    [
      "a line naming two ids, one foreign",
      `v=2&tid=${OWN}`,
      [`en=a&tid=${OWN}&tid=G-FOREIGN001`],
      false,
      [],
      {
        "foreign-id": 1,
      },
    ],
  ])("%s", (_name, query, lines, forward, kept, dropped) => {
    const got = ownHits(p(query), lines.map(p), "tid", OWN_IDS);
    expect(got.forward).toBe(forward);
    expect(got.lines).toEqual(kept.map(p));
    expect(got.dropped).toEqual(dropped);
    expect(got.hits).toBe(lines.length || 1);
  });
});

// Random batches: a query id (or none, or several), lines with 0-2 ids each, from the site's ids
// and foreign ones.
const FOREIGN = ["G-FOREIGN001", "G-OTHER0002", "GT-ELSEWHERE", "g-demo12345", `${OWN} `];
const anyId = fc.constantFrom(...OWN_IDS, ...FOREIGN);
const idName = fc.constantFrom("tid", "tid", "TID", "Tid");
const ids = fc.array(fc.tuple(idName, anyId), { maxLength: 2 });
const line = fc.tuple(ids, fc.stringMatching(/^[a-z_]{1,8}$/)).map(([is, en]) => [["en", en], ...is] as Params);
const batch = fc.record({ query: ids, lines: fc.array(line, { maxLength: 8 }), post: fc.boolean() });

const encode = (ps: Params) => ps.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join("&");

function request(query: Params, lines: Params[], post: boolean): BeaconRequest {
  return {
    method: post ? "POST" : "GET",
    url: new URL(`${SITE_ORIGIN}${COLLECT}?${encode([["v", "2"], ...query])}`),
    headers: new Headers(CHROME_HEADERS),
    body: post ? lines.map(encode).join("\r\n") : "",
    allowed: true,
    ids: OWN_IDS,
  };
}

describe("property: random tid batches", () => {
  it("nothing upstream names a property the site does not list, and every hit is forwarded or counted", () => {
    fc.assert(
      fc.property(batch, ({ query, lines, post }) => {
        const sentLines = post ? lines : [];
        const plan = planBeacon(BEACON, request(query, sentLines, post));
        if (plan.kind === "reject") throw new Error(plan.reason);
        const queryIds = query.map(([, v]) => v);
        const queryOwn = queryIds.every((v) => OWN_IDS.has(v));
        // The model: which lines the site may forward.
        const expected = sentLines.filter((l) => {
          const own = l.filter(([n]) => n.toLowerCase() === "tid").map(([, v]) => v);
          return queryOwn && (own.length ? own.every((v) => OWN_IDS.has(v)) : queryIds.length > 0);
        });
        const hits = sentLines.length || 1;
        expect(plan.hits).toBe(hits);
        const dropped = Object.values(plan.dropped).reduce((a, b) => a + (b ?? 0), 0);
        if (plan.kind === "drop") {
          expect(dropped).toBe(hits);
          expect(sentLines.length ? expected.length : Number(queryOwn && queryIds.length > 0)).toBe(0);
          return;
        }
        expect(hits - dropped).toBe(sentLines.length ? expected.length : 1);
        const up = plan.upstream;
        const named = [
          ...pairs(new URL(up.url).search),
          ...(up.body ?? "").split("\r\n").flatMap((l) => pairs(l)),
        ].filter(([n]) => n.toLowerCase() === "tid");
        for (const [, id] of named) expect(OWN_IDS.has(id), id).toBe(true);
        if (sentLines.length) expect((up.body ?? "").split("\r\n").filter(Boolean)).toEqual(expected.map(encode));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("through the worker", () => {
  const logLines = () => {
    const lines: Array<Record<string, unknown>> = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      const text = args.map(String).join(" ");
      if (text.startsWith('{"gk":"beacon"')) lines.push(JSON.parse(text));
    });
    return lines;
  };

  it("a hit for another property: 204, nothing forwarded, counted as foreign-id", async () => {
    const logged = logLines();
    const { request, upstream } = makeBeaconGate();
    const res = await request(`${COLLECT}?${PAGE_VIEW_GET.replace(OWN, "G-FOREIGN001")}`, { headers: WITH_ANALYTICS });
    expect(res.status).toBe(204);
    expect(upstream).toHaveLength(0);
    expect(logged).toEqual([
      { gk: "beacon", vendor: "google-analytics", hits: 1, forwarded: 0, dropped: { "foreign-id": 1 } },
    ]);
  });

  it("one POST with 50 lines and 50 different tids forwards only the site's line", async () => {
    const logged = logLines();
    const { request, upstream } = makeBeaconGate();
    const lines = Array.from({ length: 50 }, (_, i) =>
      i === 17 ? `tid=${OWN}&en=page_view` : `tid=G-SPAM${String(i).padStart(6, "0")}&en=page_view`,
    );
    const query = BATCH_QUERY.replace(`tid=${OWN}&`, "");
    const res = await request(`${COLLECT}?${query}`, {
      method: "POST",
      body: lines.join("\r\n"),
      headers: { ...WITH_ANALYTICS, "content-type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(204);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.body).toBe(`tid=${OWN}&en=page_view`);
    expect(upstream[0]!.url.search).not.toContain("tid=");
    expect(logged).toEqual([
      { gk: "beacon", vendor: "google-analytics", hits: 50, forwarded: 1, dropped: { "foreign-id": 49 } },
    ]);
  });

  it("the real batch under the site's id goes whole; without consent it is counted as no-consent", async () => {
    const logged = logLines();
    const { request, upstream } = makeBeaconGate();
    const init = (headers: Record<string, string>) => ({ method: "POST", body: BATCH_BODY, headers });
    expect((await request(`${COLLECT}?${BATCH_QUERY}`, init(WITH_ANALYTICS))).status).toBe(204);
    expect((await request(`${COLLECT}?${BATCH_QUERY}`, init(CHROME_HEADERS))).status).toBe(204);
    expect(upstream).toHaveLength(1);
    expect(logged).toEqual([
      { gk: "beacon", vendor: "google-analytics", hits: 2, forwarded: 2, dropped: {} },
      { gk: "beacon", vendor: "google-analytics", hits: 2, forwarded: 0, dropped: { "no-consent": 2 } },
    ]);
  });

  it("a site that lists no ids relays nothing", async () => {
    const { request, upstream } = makeBeaconGate(undefined, { files: withoutIds() });
    vi.spyOn(console, "log").mockImplementation(() => {});
    expect((await request(`${COLLECT}?${PAGE_VIEW_GET}`, { headers: WITH_ANALYTICS })).status).toBe(204);
    expect(upstream).toHaveLength(0);
  });
});

function withoutIds() {
  const files = structuredClone(SHIPPED) as Record<string, any>;
  delete files["policies/sites/default.yaml"].measurementIds;
  return files;
}
