// Tests of the bench's pure parts (node --test; `npm run bench:test`): the verdicts, the ratios,
// the metrics and the generated documents. The measuring itself is exercised by running it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { totalBlockingTime } from "./browser.mjs";
import { PHONE, STUBS, stubAnswer, transferMs } from "./browser-stubs.mjs";
import { cmpPage } from "./cmp-page.mjs";
import { judgeBody } from "./leak-judge.mjs";
import { MARKERS } from "./markers.mjs";
import { anatomySplit, PLANS_END, PLANS_START, provenance, renderPlans, replacePlans } from "./report.mjs";
import { median, percentile, trimmedMean } from "./stats.mjs";
import { roundRatios } from "./throughput.mjs";
import { cacheHitVariant, SHARED_PREFIX, withSharedPages } from "./variants.mjs";

test("judgeBody: a whole page must end whole, a cut one must never look whole", () => {
  const page = "<html><p>a</p></html>";
  assert.deepEqual(judgeBody({ text: page, aborted: false, expect: "complete" }), {
    leaks: [],
    problems: [],
    truncated: false,
  });
  assert.deepEqual(judgeBody({ text: "<html><p>a", aborted: true, expect: "complete" }).problems, ["stream cut off"]);
  assert.deepEqual(judgeBody({ text: "<html><p>a", aborted: false, expect: "complete" }).problems, ["no </html>"]);
  assert.deepEqual(judgeBody({ text: page, aborted: false, expect: "cut" }).problems, ["a complete page"]);
  assert.deepEqual(judgeBody({ text: page, aborted: true, expect: "cut" }).problems, ["cut off but ends in </html>"]);
  assert.equal(judgeBody({ text: "<html><p>a", aborted: false, expect: "cut" }).truncated, true);
  assert.equal(judgeBody({ text: "<html><p>a", aborted: true, expect: "cut" }).truncated, false);
  assert.deepEqual(
    judgeBody({ text: "x gtm.js y", aborted: false, expect: "complete", refused: ["gtm.js", "ns.html"], end: null }),
    {
      leaks: ["gtm.js"],
      problems: [],
      truncated: false,
    },
  );
  assert.throws(() => judgeBody({ text: "", aborted: false, expect: "whole" }));
});

test("roundRatios: within one round, against the floor and the minimum", () => {
  const run = (rps, cpuPerRequest) => ({ rps, requests: 100, cpuMs: cpuPerRequest * 100 });
  const round = { floor: run(1000, 1), minimum: run(400, 3), "gk-none": run(200, 6) };
  const r = roundRatios(round, "gk-none");
  assert.equal(r.rpsVsFloor, 0.2);
  assert.equal(r.rpsVsMinimum, 0.5);
  assert.equal(r.cpuVsFloor, 6);
  assert.equal(r.cpuAboveFloorVsMinimum, 2.5);
  // The origin direct has no CPU reading: no CPU ratios, and no division by a missing base.
  assert.equal(roundRatios({ ...round, direct: { rps: 3000, requests: 100, cpuMs: null } }, "direct").cpuVsFloor, null);
  assert.equal(roundRatios({ "gk-none": run(200, 6) }, "gk-none").rpsVsMinimum, null);
});

test("percentile and median", () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([1, 2, 3, 4], 99), 4);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(median([null, 5, Number.NaN]), 5);
});

test("trimmedMean drops a quarter at each end from four values on", () => {
  assert.equal(trimmedMean([100, 1, 2, 3, 4, 5, 6, -50]), 3.5);
  assert.equal(trimmedMean([1, 2, 30]), 11);
  assert.equal(trimmedMean([2, Number.NaN, 4]), 3);
  assert.ok(Number.isNaN(trimmedMean([])));
});

test("anatomySplit: the gatekeeper's miss split by the rows measured beside it", () => {
  const row = (id, aboveFloorMs) => ({ id, aboveFloorMs });
  const text = anatomySplit([
    row("rw-inline-text", 2),
    row("rw-inline-attrs", 3),
    row("rw-gk-selectors", 4.5),
    row("gk-none", 6),
  ]);
  assert.match(text, /6\.00 ms above the floor/);
  assert.match(text, /platform minimum 2\.00 ms \(33 %\)/);
  assert.match(text, /attributes, which .* 1\.00 ms \(17 %\)/s);
  assert.match(text, /no-op handlers 1\.50 ms \(25 %\)/);
  assert.match(text, /injections\) 1\.50 ms \(25 %\)/);
  assert.match(text, /gatekeeper is 2\.00×/);
  assert.equal(anatomySplit([row("rw-inline-text", 2)]), "");
});

test("totalBlockingTime: long tasks after FCP, each beyond 50 ms", () => {
  const tasks = [
    [100, 300], // before FCP: not counted
    [600, 120],
    [900, 50],
    [1200, 51],
  ];
  assert.equal(totalBlockingTime(500, tasks), 70 + 0 + 1);
});

test("cmpPage: the demo page's vendor scripts, and only those, marked as the consent manager's docs say", () => {
  const index = readFileSync(new URL("../../demo/site/index.html", import.meta.url), "utf8");
  const { html, marked } = cmpPage(index);
  assert.deepEqual(
    [...new Set(marked.map((m) => m.category))].sort(),
    Object.keys(MARKERS).sort(),
    "every purpose with a marker has a script held back",
  );
  for (const m of marked) assert.ok(html.includes(` type="text/plain" data-category="${m.category}"`));
  // Nothing else changed: without the inserted text, the page is the original.
  let stripped = html
    .replace(`<link rel="stylesheet" href="/cmp/cookieconsent.css" media="print" onload="this.media='all'">\n`, "")
    .replace(
      '<script defer src="/cmp/cookieconsent.umd.js"></script>\n<script defer src="/cmp/cookieconsent-init.js"></script>\n',
      "",
    );
  for (const category of Object.keys(MARKERS))
    stripped = stripped.replaceAll(` type="text/plain" data-category="${category}"`, "");
  assert.equal(stripped, index);
});

test("stubs: cited sizes, delayed as the emulated network would", () => {
  const gtm = stubAnswer(new URL("https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123"));
  assert.equal(gtm.stub, STUBS[0].name);
  assert.ok(Math.abs(Buffer.byteLength(gtm.body) - STUBS[0].bytes) < 10);
  assert.ok(gtm.body.includes("performance.now()+468"));
  assert.equal(gtm.delayMs, transferMs(Buffer.byteLength(gtm.body)));
  assert.ok(Math.abs(transferMs(0) - PHONE.latencyMs) < 1e-9);
  const beacon = stubAnswer(new URL("https://region1.google-analytics.com/g/collect?v=2"));
  assert.equal(beacon.status, 204);
});

/** A results object with only what renderPlans reads: CPU per request at 1 connection. */
function results(cpu) {
  const cells = [];
  for (const [page, byVariant] of Object.entries(cpu))
    for (const [variant, cpuPerRequest] of Object.entries(byVariant))
      cells.push({ page, connections: 1, variant, cpuPerRequest, ratios: {} });
  return {
    startedAt: "2026-01-01T00:00:00.000Z",
    config: { CONNECTIONS: [1, 8], ROUND_SECONDS: 1.5, ROUNDS: 3, FLAT_REQUESTS: 10_000, BROWSER_RUNS: 5 },
    machine: { cpu: "test CPU", cores: 2 },
    loadSamples: { max: 1 },
    variants: [],
    only: null,
    matrix: cells,
  };
}

test("renderPlans: the plan follows the costliest consent state", () => {
  const page = (none, analytics, all) => ({
    floor: 1,
    minimum: 2,
    "gk-none": none,
    "gk-analytics": analytics,
    "gk-all": all,
  });
  const block = renderPlans(
    results({ "page-20k": page(3, 4, 2), "page-200k": page(6, 12, 3), "page-2m": page(35, 45, 15) }),
  );
  assert.ok(block.startsWith(PLANS_START) && block.endsWith(PLANS_END));
  assert.match(block, /\| 20 KB \| 2\.0 \| 3\.0 \| 1\.0 \| 1\.0 \| Free fits \(worst 3\.0 ms ≤ 10 ms\) \|/);
  assert.match(block, /\| 200 KB \| 5\.0 \| 11\.0 \| 2\.0 \| 1\.0 \| \*\*Paid\*\*: 11\.0 ms/);
  assert.match(block, /What the cache saves \| measured once the consent-bucket cache exists/);
  assert.doesNotMatch(block, /Not a result/);
});

test("replacePlans: only the block between the markers changes", () => {
  const doc = `# Deploy\n\n## Plans and costs\n\n${PLANS_START}\nold\n${PLANS_END}\n\nafter\n`;
  assert.equal(
    replacePlans(doc, `${PLANS_START}\nnew\n${PLANS_END}`),
    `# Deploy\n\n## Plans and costs\n\n${PLANS_START}\nnew\n${PLANS_END}\n\nafter\n`,
  );
  assert.throws(() => replacePlans("# Deploy\n", "x"));
});

test("provenance: a short or loaded run says so", () => {
  assert.deepEqual(provenance(results({})), { short: [], loaded: false });
  const short = { ...results({}), config: { ...results({}).config, ROUNDS: 1 }, loadSamples: { max: 5 } };
  assert.deepEqual(provenance(short), { short: ["BENCH_ROUNDS=1"], loaded: true });
  // The bench's own load (about one busy process per core) is not a loaded machine.
  const cores = results({}).machine.cores;
  assert.equal(provenance({ ...results({}), loadSamples: { max: cores + 0.9 } }).loaded, false);
  assert.equal(provenance({ ...results({}), loadSamples: { max: cores + 1.1 } }).loaded, true);
});

/** A stand-in gatekeeper: `answer(n)` gives the X-Gatekeeper-Cache header of its n-th response (or none). */
async function fakeGate(answer) {
  let n = 0;
  const paths = [];
  const server = createServer((req, res) => {
    paths.push(req.url);
    const said = answer(n++);
    res.writeHead(200, said ? { "x-gatekeeper-cache": said } : {});
    res.end("<html></html>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, pid: 1, paths, close: () => server.close() };
}

test("cacheHitVariant: joins the load phase only when the gatekeeper says hit", async () => {
  const none = await fakeGate(() => null);
  try {
    const result = await cacheHitVariant(none);
    assert.equal(result.variant, undefined);
    assert.match(result.reason, /no X-Gatekeeper-Cache header/);
    assert.ok(none.paths.every((p) => p === `${SHARED_PREFIX}/page-20k`));
  } finally {
    none.close();
  }
  const miss = await fakeGate(() => "miss");
  try {
    assert.match((await cacheHitVariant(miss)).reason, /X-Gatekeeper-Cache: miss/);
  } finally {
    miss.close();
  }
  const later = await fakeGate((n) => (n < 2 ? "miss" : "hit"));
  try {
    const { variant } = await cacheHitVariant(later);
    assert.equal(variant.role, "cacheHit");
    assert.equal(variant.prefix, SHARED_PREFIX);
  } finally {
    later.close();
  }
});

test("withSharedPages: the bench's site policy adds the shareable pages to the cache's paths, keeps the rest", () => {
  const shipped = readFileSync(new URL("../../policies/sites/default.yaml", import.meta.url), "utf8");
  const edited = withSharedPages(shipped);
  const before = parseYaml(shipped);
  const after = parseYaml(edited);
  assert.deepEqual(after.cache.paths, [...before.cache.paths, `${SHARED_PREFIX}/*`]);
  assert.deepEqual({ ...after, cache: before.cache }, before);
  assert.ok(edited.includes("# The consent-bucket cache"), "comments are kept");
});
