#!/usr/bin/env node
// `npm run bench`: the gatekeeper against the origin direct and a pass-through worker (the
// floor), served straight from workerd; results to docs/BENCHMARKS.md. See issue 8.
//
//   npm run bench                                   build, measure, write docs/BENCHMARKS.md
//   npm run bench -- --bundle DIR --out FILE         measure a prebuilt bundle (DIR/index.js)
//   npm run bench -- --json FILE                     also dump the raw results
//   npm run bench -- --only faults [--out FILE]      only the fault phase (faults.mjs), to FILE
//                                                    (default: gk-bench-faults.md in the temp dir)
//   npm run bench -- --fault-bundle DIR              the fault phase's short-timeout gatekeeper
//                                                    prebuilt (origin.timeoutMs BENCH_FAULT_TIMEOUT_MS)
//   BENCH_ROUND_SECONDS=2 BENCH_ROUNDS=2 BENCH_FLAT_SECONDS=300 BENCH_BUDGET_SECONDS=560
//   and faults.mjs's BENCH_FAULT_* (the fault phase runs before flatness, inside the budget)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import { anatomyPhase } from "./anatomy.mjs";
import { faultPhase, renderFaultsOnly } from "./faults.mjs";
import { getOnce, probeStream, runLoad } from "./load.mjs";
import { hostilePages, realisticPage, realisticSizes } from "./pages.mjs";
import { cpuMs, loadavg, machine, memory, resetPeak, rssSummary } from "./proc.mjs";
import { renderReport } from "./report.mjs";
import { buildBundle, serveWorker, startOrigin, versions, writeFloorWorker } from "./workers.mjs";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const ROUND_SECONDS = env("BENCH_ROUND_SECONDS", 2);
const ROUNDS = env("BENCH_ROUNDS", 2);
const FLAT_REQUESTS = env("BENCH_FLAT_REQUESTS", 10_000);
const FLAT_SECONDS = env("BENCH_FLAT_SECONDS", 300);
/** The whole run, build included, stays under 10 minutes: flatness gets what is left of this. */
const BUDGET_SECONDS = env("BENCH_BUDGET_SECONDS", 560);
const CONNECTIONS = [1, 10];
const HOSTILE_REPEATS = 5;
const STREAM_TRIALS = 3;

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = option("--only");
if (only !== undefined && only !== "faults") throw new Error(`--only ${only}: only "faults" can run alone`);
const fullReport = join(ROOT, "docs", "BENCHMARKS.md");
const outFile = resolve(option("--out") ?? (only ? join(tmpdir(), "gk-bench-faults.md") : fullReport));
// A partial run never overwrites the full report.
if (only && outFile === fullReport) throw new Error(`--only ${only} does not write ${fullReport}: give another --out`);
const jsonFile = option("--json");
const bundleOption = option("--bundle");
const faultBundleOption = option("--fault-bundle");

/** A bundle option: DIR (DIR/index.js) or the .js file itself. */
const bundleFile = (option) => (option.endsWith(".js") ? resolve(option) : join(resolve(option), "index.js"));

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const log = (message) => process.stderr.write(`[bench ${elapsed().toFixed(0).padStart(3)} s] ${message}\n`);

// Everything started is stopped: in order on the way out, and by pid if we are interrupted.
const cleanups = [];
const pidsToKill = new Set();
let tmp;
async function cleanup() {
  while (cleanups.length)
    await cleanups
      .pop()()
      .catch(() => {});
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
process.on("exit", () => {
  for (const pid of pidsToKill) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

/** A served worker: disposed on the way out, killed by pid only while it is still ours. */
function track(worker) {
  pidsToKill.add(worker.pid);
  cleanups.push(async () => {
    await worker.dispose();
    pidsToKill.delete(worker.pid);
  });
}

function consentCookie(purposes) {
  const site = parseYaml(readFileSync(join(ROOT, "policies", "sites", "default.yaml"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  return `${site.consent.cookie}=1.${site.version}.${[...purposes].sort().join("-")}.${now}.AAAAAAAAAAAAAAAAAAAAAA`;
}

function allPurposes() {
  return parseYaml(readFileSync(join(ROOT, "policies", "purposes.yaml"), "utf8")).purposes.map((p) => p.id);
}

function requiredPurposes() {
  return parseYaml(readFileSync(join(ROOT, "policies", "purposes.yaml"), "utf8"))
    .purposes.filter((p) => p.required)
    .map((p) => p.id);
}

/** Load average sampled through the run. */
const loadSamples = [];
function sampleLoad() {
  loadSamples.push(Number(loadavg().split(" ")[0]));
}

async function main() {
  const results = {
    startedAt: new Date().toISOString(),
    loadStart: loadavg(),
    machine: { ...machine(), node: process.version, ...versions },
    config: { ROUND_SECONDS, ROUNDS, CONNECTIONS, FLAT_REQUESTS, FLAT_SECONDS, HOSTILE_REPEATS, STREAM_TRIALS },
  };
  const loadTimer = setInterval(sampleLoad, 5000);
  cleanups.push(async () => clearInterval(loadTimer));
  sampleLoad();
  log(`load average ${results.loadStart}`);

  tmp = mkdtempSync(join(tmpdir(), "gk-bench-"));
  let scriptPath;
  if (bundleOption) {
    scriptPath = bundleFile(bundleOption);
    results.bundle = scriptPath;
  } else {
    log("building the bundle: wrangler deploy --dry-run");
    scriptPath = buildBundle(join(tmp, "gatekeeper"));
    results.bundle = "wrangler deploy --dry-run";
  }
  results.bundleBytes = readFileSync(scriptPath).length;

  const origin = await startOrigin();
  cleanups.push(async () => origin.stop());
  log(`origin ${origin.url}`);
  const ratelimits = { GA_BEACON_LIMITER: { simple: { limit: 100, period: 60 } } };
  const floor = only
    ? null
    : await serveWorker({ scriptPath: writeFloorWorker(tmp), bindings: { ORIGIN: origin.url } });
  if (floor) track(floor);
  const gate = await serveWorker({ scriptPath, bindings: { ORIGIN: origin.url }, ratelimits });
  track(gate);
  if (only === "faults") {
    log(`gatekeeper ${gate.url} (workerd ${gate.pid})`);
    results.faults = await faults(gate, origin);
    return finish(results);
  }
  log(`floor ${floor.url} (workerd ${floor.pid}), gatekeeper ${gate.url} (workerd ${gate.pid})`);

  const all = allPurposes();
  const variants = [
    { id: "direct", label: "origin direct", url: origin.url, pid: null, headers: {} },
    {
      id: "floor",
      label: "floor (pass-through worker)",
      url: floor.url,
      pid: floor.pid,
      runtime: floor,
      headers: {},
    },
    { id: "gk-none", label: "gatekeeper, no consent", url: gate.url, pid: gate.pid, runtime: gate, headers: {} },
    {
      id: "gk-all",
      label: "gatekeeper, all consent",
      url: gate.url,
      pid: gate.pid,
      headers: { cookie: consentCookie(all) },
    },
    {
      id: "gk-analytics",
      label: "gatekeeper, analytics only",
      url: gate.url,
      pid: gate.pid,
      headers: { cookie: consentCookie(new Set([...requiredPurposes(), "analytics"])) },
    },
  ];
  results.variants = variants.map(({ id, label, headers }) => ({ id, label, cookie: headers.cookie ?? null }));

  results.checks = await sanityChecks(variants, gate.url);
  log(`sanity checks passed: ${results.checks.notes.join("; ")}`);

  results.matrix = await throughputMatrix(variants);
  results.compressed = await compressedOrigin(variants);
  results.hostile = await hostile(variants);
  results.streaming = await streaming(variants);
  results.anatomy = await anatomyPhase({
    tmp,
    originUrl: origin.url,
    serveWorker,
    runLoad,
    log,
    roundSeconds: ROUND_SECONDS,
    rounds: ROUNDS,
  });
  const page200k = realisticPage(realisticSizes["page-200k"]);
  results.scriptCounts = {
    all: (page200k.match(/<script\b/g) ?? []).length,
    inline: (page200k.match(/<script>/g) ?? []).length,
  };
  results.banner = await bannerSize(gate.url);
  // Before flatness, which takes what is left of the budget.
  results.faults = await faults(gate, origin);
  results.flatness = await flatness(
    variants.find((v) => v.id === "gk-none"),
    variants.find((v) => v.id === "gk-all"),
  );
  return finish(results);
}

/** The fault phase (faults.mjs) through `gate`; its own workers are stopped when it is done. */
async function faults(gate, origin) {
  const mark = cleanups.length;
  try {
    return await faultPhase({
      tmp,
      log,
      track,
      consentCookie,
      gate,
      originUrl: origin.url,
      faultBundle: faultBundleOption && bundleFile(faultBundleOption),
    });
  } finally {
    // Its two workerd processes are not needed by what follows.
    while (cleanups.length > mark)
      await cleanups
        .pop()()
        .catch(() => {});
  }
}

function finish(results) {
  results.loadEnd = loadavg();
  sampleLoad();
  results.loadSamples = { min: Math.min(...loadSamples), max: Math.max(...loadSamples), count: loadSamples.length };
  results.loadSamples.mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
  results.seconds = elapsed();
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(outFile, only ? renderFaultsOnly(results) : renderReport(results));
  log(`wrote ${outFile} (load average ${results.loadEnd}); ${results.seconds.toFixed(0)} s`);
}

/** Before measuring anything: every variant answers, and the gatekeeper does its job. */
async function sanityChecks(variants, gateUrl) {
  const notes = [];
  const health = await getOnce(`${gateUrl}/__gk/health`);
  const status = JSON.parse(String(health.body) || "{}").status;
  if (health.status !== 200 || status !== "ok") throw new Error(`gatekeeper health: ${health.status} ${health.body}`);
  const sizes = {};
  for (const page of Object.keys(realisticSizes)) {
    sizes[page] = {};
    const bodies = {};
    for (const v of variants) {
      const res = await getOnce(`${v.url}/${page}`, v.headers);
      if (res.status !== 200 || !res.ok) throw new Error(`${v.id} /${page}: ${res.status} ${res.error ?? ""}`);
      bodies[v.id] = String(res.body);
      sizes[page][v.id] = res.body.length;
    }
    if (bodies.floor !== bodies.direct) throw new Error(`floor changed /${page}`);
    const none = bodies["gk-none"];
    for (const vendor of [
      "googletagmanager.com/gtm.js",
      "gtag/js?id=G-DEMO12345",
      "widget.intercom.io/widget",
      "static.elfsight.com/platform",
    ])
      if (none.includes(vendor)) throw new Error(`gk-none /${page} still has ${vendor}`);
    if (!none.includes('id="gk-banner"')) throw new Error(`gk-none /${page} has no banner`);
    for (const id of ["gk-all", "gk-analytics"])
      if (bodies[id].includes('id="gk-banner"')) throw new Error(`${id} /${page} shows the banner`);
    if (!bodies["gk-all"].includes("googletagmanager.com/gtm.js")) throw new Error(`gk-all /${page} lost GTM`);
    if (bodies["gk-analytics"].includes("googletagmanager.com/gtm.js"))
      throw new Error(`gk-analytics /${page} kept GTM`);
  }
  notes.push("health ok", "floor byte-identical to origin", "no-consent pages lose GTM, gtag.js, Intercom, Elfsight");
  notes.push("banner only without consent", "analytics-only loses GTM, all-consent keeps it");
  return { notes, sizes };
}

/** req/s, latency, CPU and peak RSS per page x connections x variant, rounds alternating. */
async function throughputMatrix(variants) {
  const cells = [];
  for (const page of Object.keys(realisticSizes)) {
    log(`${page}: warming up`);
    for (const v of variants)
      await runLoad({ url: `${v.url}/${page}`, connections: 10, duration: 1, headers: v.headers });
    for (const connections of CONNECTIONS) {
      const runs = Object.fromEntries(variants.map((v) => [v.id, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // Forward, then backward: drift within a cell hits every variant alike.
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        for (const v of order) runs[v.id].push(await measuredRun(v, page, connections));
      }
      for (const v of variants) {
        const r = runs[v.id];
        const latencies = r.flatMap((x) => x.latencies).sort((a, b) => a - b);
        const requests = r.reduce((a, x) => a + x.requests, 0);
        const seconds = r.reduce((a, x) => a + x.seconds, 0);
        const cpu = r.reduce((a, x) => a + (x.cpuMs ?? 0), 0);
        const cell = {
          page,
          connections,
          variant: v.id,
          requests,
          rps: requests / seconds,
          roundsRps: r.map((x) => x.rps),
          p50: pct(latencies, 50),
          p99: pct(latencies, 99),
          cpuPerRequest: v.pid ? cpu / requests : null,
          peakMiB: v.pid ? Math.max(...r.map((x) => x.peakMiB)) : null,
          failures: r.reduce((a, x) => a + x.non2xx + x.errors + x.timeouts, 0),
        };
        cells.push(cell);
      }
      const line = variants
        .map((v) => {
          const c = cells.find((x) => x.page === page && x.connections === connections && x.variant === v.id);
          return `${v.id} ${c.rps.toFixed(0)}/s p50 ${c.p50.toFixed(1)}`;
        })
        .join(", ");
      log(`${page} c=${connections}: ${line}`);
    }
  }
  return cells;
}

function pct(sorted, p) {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function measuredRun(v, page, connections) {
  if (v.pid) resetPeak(v.pid);
  const cpu0 = v.pid ? cpuMs(v.pid) : 0;
  const result = await runLoad({
    url: `${v.url}/${page}`,
    connections,
    duration: ROUND_SECONDS,
    headers: v.headers,
    keepLatencies: true,
  });
  return {
    ...result,
    cpuMs: v.pid ? cpuMs(v.pid) - cpu0 : null,
    peakMiB: v.pid ? memory(v.pid).peakMiB : null,
  };
}

/** Hostile pages, one request at a time: CPU per request in workerd, and what came out. */
async function hostile(variants) {
  const out = [];
  for (const page of Object.keys(hostilePages)) {
    const inputBytes = Buffer.byteLength(hostilePages[page]());
    for (const v of variants.filter((x) => x.id === "floor" || x.id === "gk-none")) {
      const logStart = v.runtime.logMark();
      await getOnce(`${v.url}/${page}`, v.headers);
      const cpu0 = cpuMs(v.pid);
      const runs = [];
      for (let i = 0; i < HOSTILE_REPEATS; i++) runs.push(await getOnce(`${v.url}/${page}`, v.headers));
      const cpu = (cpuMs(v.pid) - cpu0) / HOSTILE_REPEATS;
      // workerd's log lines arrive a little after the responses.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const last = runs.at(-1);
      out.push({
        page,
        variant: v.id,
        cpuPerRequest: cpu,
        status: last.status,
        complete: runs.every((r) => r.ok),
        error: last.error ?? null,
        bytesOut: last.body.length,
        inputBytes,
        ms: runs.reduce((a, r) => a + (r.ms ?? 0), 0) / runs.length,
        runtimeErrors: [
          ...new Set(
            v.runtime
              .logSince(logStart)
              .map((line) => /Uncaught exception: .*?failed: (?:remote\.)?(?:jsg\.)?(.*)$/.exec(line)?.[1])
              .filter(Boolean),
          ),
        ],
      });
      log(`${page} ${v.id}: ${cpu.toFixed(1)} ms CPU/request, status ${last.status}, ${last.body.length} bytes`);
    }
  }
  return out;
}

/**
 * The slow origin page: head, 2 s, rest. First-byte times with Accept-Encoding identity and gzip,
 * from an origin that compresses when asked (/slow) and from one that never does (/slow-plain).
 */
async function streaming(variants) {
  const chosen = variants.filter((v) => ["direct", "floor", "gk-none"].includes(v.id));
  const combos = chosen.flatMap((v) =>
    ["/slow", "/slow-plain"].flatMap((path) => ["identity", "gzip"].map((ae) => ({ v, path, ae }))),
  );
  const trials = [];
  for (let t = 0; t < STREAM_TRIALS; t++) {
    const probes = combos.map(async ({ v, path, ae }) => ({
      variant: v.id,
      path,
      ae,
      ...(await probeStream(`${v.url}${path}`, ae)),
    }));
    trials.push(...(await Promise.all(probes)));
  }
  const out = [];
  for (const { v, path, ae } of combos) {
    const r = trials.filter((x) => x.variant === v.id && x.path === path && x.ae === ae);
    const median = (key) => r.map((x) => x.times[key]).sort((a, b) => a - b)[Math.floor(r.length / 2)];
    out.push({
      variant: v.id,
      origin: path === "/slow" ? "gzip when asked" : "never compresses",
      acceptEncoding: ae,
      contentEncoding: r[0].encoding,
      head: median("head"),
      firstByte: median("firstByte"),
      firstDecoded: median("firstDecoded"),
      end: median("end"),
    });
  }
  for (const s of out)
    log(
      `slow (${s.origin}) ${s.variant} ${s.acceptEncoding}: first byte ${s.firstByte.toFixed(0)} ms, first HTML ${s.firstDecoded.toFixed(0)} ms (${s.contentEncoding})`,
    );
  return out;
}

/**
 * The 200 KB page from an origin that gzips (the runtime asks every origin for gzip, br): the
 * gatekeeper then decodes, rewrites and re-encodes, the floor passes the gzip bytes through.
 */
async function compressedOrigin(variants) {
  const chosen = variants.filter((v) => ["floor", "gk-none", "gk-all"].includes(v.id));
  const page = "gz/page-200k";
  for (const v of chosen) await runLoad({ url: `${v.url}/${page}`, connections: 10, duration: 1, headers: v.headers });
  const runs = Object.fromEntries(chosen.map((v) => [v.id, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? chosen : [...chosen].reverse();
    for (const v of order) runs[v.id].push(await measuredRun(v, page, 10));
  }
  const out = chosen.map((v) => {
    const r = runs[v.id];
    const latencies = r.flatMap((x) => x.latencies).sort((a, b) => a - b);
    const requests = r.reduce((a, x) => a + x.requests, 0);
    return {
      variant: v.id,
      rps: requests / r.reduce((a, x) => a + x.seconds, 0),
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      cpuPerRequest: r.reduce((a, x) => a + x.cpuMs, 0) / requests,
      bytesPerResponse: r.reduce((a, x) => a + x.bytes, 0) / requests,
      failures: r.reduce((a, x) => a + x.non2xx + x.errors + x.timeouts, 0),
    };
  });
  log(
    `gzip origin 200 KB c=10: ${out.map((c) => `${c.variant} ${c.rps.toFixed(0)}/s ${c.cpuPerRequest.toFixed(2)} ms CPU`).join(", ")}`,
  );
  return out;
}

/** The banner as a no-consent visitor gets it: its <style> and its <div>, gzipped. */
async function bannerSize(gateUrl) {
  const res = await getOnce(`${gateUrl}/page-20k`);
  const html = String(res.body);
  const styleStart = html.indexOf("<style data-gatekeeper");
  const styleEnd = html.indexOf("</style>", styleStart) + "</style>".length;
  const divStart = html.indexOf('<div data-gatekeeper id="gk-banner"');
  if (styleStart === -1 || divStart === -1) throw new Error("banner not found in a no-consent page");
  // The banner's own <div>s nest; find the </div> that closes it.
  const tags = /<div\b|<\/div>/g;
  tags.lastIndex = divStart;
  let depth = 0;
  let divEnd = -1;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[0] === "</div>" ? -1 : 1;
    if (depth === 0) {
      divEnd = m.index + m[0].length;
      break;
    }
  }
  const markup = html.slice(styleStart, styleEnd) + html.slice(divStart, divEnd);
  const bytes = Buffer.from(markup);
  return {
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes).length,
    gzip9Bytes: gzipSync(bytes, { level: 9 }).length,
    lang: /lang="([a-z]+)"/.exec(html.slice(divStart, divEnd))?.[1] ?? "?",
  };
}

/** RSS of the gatekeeper's workerd over up to FLAT_REQUESTS requests of the 2 MB page. */
/**
 * RSS over FLAT_REQUESTS requests of the 2 MB page, every connection alternating `v` (no consent:
 * the most rewriting, inline scripts and noscript held back) and `other` (all consent: injections
 * and re-pointing), so both paths run 5,000 times within the 10-minute budget.
 */
async function flatness(v, other) {
  const maxSeconds = Math.max(30, Math.min(FLAT_SECONDS, BUDGET_SECONDS - elapsed()));
  log(
    `flatness: up to ${FLAT_REQUESTS} requests of /page-2m (${v.id} and ${other.id}), at most ${maxSeconds.toFixed(0)} s`,
  );
  resetPeak(v.pid);
  const t0 = performance.now();
  const samples = [{ done: 0, seconds: 0, rssMiB: memory(v.pid).rssMiB }];
  const cpu0 = cpuMs(v.pid);
  const result = await runLoad({
    url: `${v.url}/page-2m`,
    connections: 10,
    amount: FLAT_REQUESTS,
    stopAfterSeconds: maxSeconds,
    requests: [
      { method: "GET", headers: v.headers },
      { method: "GET", headers: other.headers },
    ],
    progressEvery: 50,
    onProgress: (done) =>
      samples.push({ done, seconds: (performance.now() - t0) / 1000, rssMiB: memory(v.pid).rssMiB }),
  });
  const end = memory(v.pid);
  samples.push({ done: result.requests, seconds: (performance.now() - t0) / 1000, rssMiB: end.rssMiB });
  const out = {
    variants: [v.id, other.id],
    target: FLAT_REQUESTS,
    capSeconds: maxSeconds,
    requests: result.requests,
    seconds: result.seconds,
    rps: result.rps,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuPerRequest: (cpuMs(v.pid) - cpu0) / result.requests,
    ...rssSummary(samples, end),
  };
  log(
    `flatness: ${out.requests} requests in ${out.seconds.toFixed(0)} s, RSS ${out.startMiB.toFixed(0)} -> ${out.endMiB.toFixed(0)} MiB (peak ${out.peakMiB.toFixed(0)}), high of 2nd half - 1st half ${out.growthMiB.toFixed(1)} MiB`,
  );
  return out;
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
