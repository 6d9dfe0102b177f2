#!/usr/bin/env node
// `npm run bench`: the gatekeeper against the origin direct, a pass-through worker (the floor)
// and the platform minimum, served straight from workerd, plus a real browser; results to
// docs/BENCHMARKS.md and the "Plans and costs" block of docs/DEPLOY.md. What each phase does, its
// knobs and how to run one: scripts/bench/README.md.
//
//   npm run bench                                   build, measure, write both documents
//   npm run bench -- --only load,calls [--out FILE]  only these phases (PHASES below), to FILE
//                                                    (default: gk-bench-<phases>.md in the temp dir)
//   npm run bench -- --json FILE                     also dump the raw results
//   npm run bench -- --from-json FILE [--out FILE]  render a report from dumped results, measure nothing
//   npm run bench -- --bundle DIR                    measure a prebuilt bundle (DIR/index.js)
//   npm run bench -- --fault-bundle DIR              the fault phase's short-timeout gatekeeper, prebuilt
//   npm run bench -- --deploy FILE                   write the plans block into FILE (default: docs/DEPLOY.md,
//                                                    on a full run to docs/BENCHMARKS.md only)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { anatomyPhase } from "./anatomy.mjs";
import { browserPhase } from "./browser.mjs";
import { countCalls, writeCountingWorker } from "./calls.mjs";
import { bannerSize, sanityChecks } from "./checks.mjs";
import { faultPhase } from "./faults.mjs";
import { hostilePhase } from "./hostile.mjs";
import { scriptCounts } from "./html.mjs";
import { runLoad } from "./load.mjs";
import { flatnessPhase } from "./memory.mjs";
import { realisticPage, realisticSizes } from "./pages.mjs";
import { loadavg, machine } from "./proc.mjs";
import { renderPlans, renderReport, replacePlans } from "./report.mjs";
import { streamingPhase } from "./streaming.mjs";
import { compressedOrigin, throughputMatrix } from "./throughput.mjs";
import { cacheHitVariant, consentCookie, loadVariants, withSharedPages } from "./variants.mjs";
import {
  buildEditedBundle,
  MINIMUM_REWRITE,
  serveWorker,
  startOrigin,
  versions,
  writeFloorWorker,
  writeMinimumWorker,
} from "./workers.mjs";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "..", "..");
const env = (name, fallback) => Number(process.env[name] ?? fallback);
const ROUND_SECONDS = env("BENCH_ROUND_SECONDS", 1.5);
/** Paired rounds per cell at the highest connection count (the ratios the report judges). */
const ROUNDS = env("BENCH_ROUNDS", 3);
/** Rounds at a single connection. */
const SINGLE_ROUNDS = env("BENCH_SINGLE_ROUNDS", 1);
const BROWSER_RUNS = env("BENCH_BROWSER_RUNS", 5);
/** No browser round starts after this long (3 rounds at least). */
const BROWSER_SECONDS = env("BENCH_BROWSER_SECONDS", 100);
const FLAT_REQUESTS = env("BENCH_FLAT_REQUESTS", 10_000);
const FLAT_SECONDS = env("BENCH_FLAT_SECONDS", 300);
/** The whole run, build included, stays under 10 minutes: the memory phase gets what is left of this. */
const BUDGET_SECONDS = env("BENCH_BUDGET_SECONDS", 575);
const CONNECTIONS = [1, 8];
const HOSTILE_REPEATS = 5;
const STREAM_TRIALS = 3;
const GA_LIMITER = { GA_BEACON_LIMITER: { simple: { limit: 100, period: 60 } } };

/** The phases, in the order a full run takes them; the memory phase last, on what time is left. */
const PHASES = ["load", "calls", "hostile", "streaming", "anatomy", "browser", "faults", "memory"];

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = option("--only")?.split(",");
for (const phase of only ?? [])
  if (!PHASES.includes(phase)) throw new Error(`--only ${phase}: the phases are ${PHASES.join(", ")}`);
const fromJson = option("--from-json");
const fullReport = join(ROOT, "docs", "BENCHMARKS.md");
const partial = only || fromJson;
const outFile = resolve(
  option("--out") ?? (partial ? join(tmpdir(), `gk-bench-${only ? only.join("-") : "report"}.md`) : fullReport),
);
// A partial run never overwrites the full report.
if (only && outFile === fullReport) throw new Error(`--only does not write ${fullReport}: give another --out`);
const deployOption = option("--deploy");
const deployFile = deployOption
  ? resolve(deployOption)
  : outFile === fullReport && !only
    ? join(ROOT, "docs", "DEPLOY.md")
    : null;
const jsonFile = option("--json");
const bundleOption = option("--bundle");
const faultBundleOption = option("--fault-bundle");
const runs = (phase) => !only || only.includes(phase);

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
  return worker;
}

/** Runs `body`, then stops whatever it started (its workers are not needed by what follows). */
async function scoped(body) {
  const mark = cleanups.length;
  try {
    return await body();
  } finally {
    while (cleanups.length > mark)
      await cleanups
        .pop()()
        .catch(() => {});
  }
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
    config: {
      ROUND_SECONDS,
      ROUNDS,
      SINGLE_ROUNDS,
      CONNECTIONS,
      BROWSER_RUNS,
      BROWSER_SECONDS,
      FLAT_REQUESTS,
      FLAT_SECONDS,
      BUDGET_SECONDS,
      HOSTILE_REPEATS,
      STREAM_TRIALS,
    },
    only: only ?? null,
    minimumRewrite: MINIMUM_REWRITE,
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
    log("building the bundle: wrangler deploy --dry-run (site policy: + /public/* in cache.paths)");
    scriptPath = buildEditedBundle(tmp, "gatekeeper", withSharedPages);
    results.bundle = "wrangler deploy --dry-run";
  }
  results.bundleBytes = readFileSync(scriptPath).length;

  const origin = await startOrigin();
  cleanups.push(async () => origin.stop());
  const bindings = { ORIGIN: origin.url };
  const floor = track(await serveWorker({ scriptPath: writeFloorWorker(join(tmp, "floor")), bindings }));
  const minimumPath = writeMinimumWorker(join(tmp, "minimum"));
  const minimum = track(await serveWorker({ scriptPath: minimumPath, bindings }));
  const gate = track(await serveWorker({ scriptPath, bindings, ratelimits: GA_LIMITER }));
  log(`origin ${origin.url}; floor ${floor.pid}, minimum ${minimum.pid}, gatekeeper ${gate.pid} (workerd pids)`);

  const pages = Object.keys(realisticSizes);
  const variants = loadVariants({ originUrl: origin.url, floor, minimum, gate });
  const cache = await cacheHitVariant(gate);
  if (cache.variant) variants.push(cache.variant);
  results.cache = cache.variant ? { measured: true } : { measured: false, reason: cache.reason };
  results.variants = variants.map(({ id, label, role, cookie }) => ({ id, label, role, cookie }));
  const byId = Object.fromEntries(variants.map((v) => [v.id, v]));

  results.checks = await sanityChecks({
    variants: variants.filter((v) => v.role !== "cacheHit"),
    gateUrl: gate.url,
    pages,
  });
  log(`sanity checks passed: ${results.checks.notes.join("; ")}`);
  results.banner = await bannerSize(gate.url);
  results.scriptCounts = scriptCounts(realisticPage(realisticSizes["page-200k"]));

  // Each phase that runs, timed (the report lists the times, to keep the run within its budget).
  results.timings = {};
  const phase = async (name, body) => {
    if (!runs(name)) return;
    const t0 = elapsed();
    await body();
    results.timings[name] = elapsed() - t0;
    log(`${name}: ${results.timings[name].toFixed(0)} s`);
  };
  await phase("load", async () => {
    results.matrix = await throughputMatrix({
      variants,
      pages,
      connections: CONNECTIONS,
      rounds: ROUNDS,
      singleRounds: SINGLE_ROUNDS,
      roundSeconds: ROUND_SECONDS,
      log,
    });
    results.compressed = await compressedOrigin({
      variants: [byId.floor, byId["gk-none"], byId["gk-all"]],
      rounds: 2,
      roundSeconds: ROUND_SECONDS,
      log,
    });
  });
  await phase("calls", async () => {
    results.calls = await scoped(async () => {
      const counting = (dir, path, extra = {}) =>
        serveWorker({ scriptPath: writeCountingWorker(join(tmp, dir), path), bindings, ...extra });
      const countingGate = track(await counting("counting-gate", scriptPath, { ratelimits: GA_LIMITER }));
      const countingMinimum = track(await counting("counting-minimum", minimumPath));
      return countCalls({
        variants: [
          { id: "minimum", worker: countingMinimum, headers: {} },
          ...["gk-none", "gk-analytics", "gk-all"].map((id) => ({
            id,
            worker: countingGate,
            headers: byId[id].headers,
          })),
        ],
        pages,
        log,
      });
    });
  });
  await phase("hostile", async () => {
    results.hostile = await hostilePhase({
      variants: [
        { ...byId.floor, runtime: floor },
        { ...byId["gk-none"], runtime: gate },
      ],
      repeats: HOSTILE_REPEATS,
      log,
    });
  });
  await phase("streaming", async () => {
    results.streaming = await streamingPhase({
      variants: [byId.direct, byId.floor, byId["gk-none"]],
      trials: STREAM_TRIALS,
      log,
    });
  });
  await phase("anatomy", async () => {
    results.anatomy = await scoped(async () =>
      anatomyPhase({
        tmp,
        originUrl: origin.url,
        serveWorker,
        runLoad,
        log,
        roundSeconds: ROUND_SECONDS,
        rounds: 2,
        gatekeeper: { url: gate.url, pid: gate.pid },
        counting: track(
          await serveWorker({
            scriptPath: writeCountingWorker(join(tmp, "anatomy-counting-gate"), scriptPath),
            bindings,
            ratelimits: GA_LIMITER,
          }),
        ),
      }),
    );
  });
  await phase("browser", async () => {
    results.browser = await browserPhase({
      gateUrl: gate.url,
      originUrl: origin.url,
      runs: BROWSER_RUNS,
      maxSeconds: BROWSER_SECONDS,
      log,
    });
  });
  await phase("faults", async () => {
    results.faults = await scoped(() =>
      faultPhase({
        tmp,
        log,
        track,
        consentCookie,
        gate,
        originUrl: origin.url,
        faultBundle: faultBundleOption && bundleFile(faultBundleOption),
      }),
    );
  });
  // Last, on what is left of the budget.
  await phase("memory", async () => {
    results.flatness = await flatnessPhase({
      v: byId["gk-none"],
      other: byId["gk-all"],
      requests: FLAT_REQUESTS,
      maxSeconds: Math.max(30, Math.min(FLAT_SECONDS, BUDGET_SECONDS - elapsed())),
      log,
    });
  });
  results.loadEnd = loadavg();
  sampleLoad();
  results.loadSamples = { min: Math.min(...loadSamples), max: Math.max(...loadSamples), count: loadSamples.length };
  results.loadSamples.mean = loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length;
  results.seconds = elapsed();
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  write(results);
}

/** The report to `outFile`, and the plans block to `deployFile` when there is one and the load phase ran. */
function write(results) {
  writeFileSync(outFile, renderReport(results));
  log(`wrote ${outFile} (load average ${results.loadEnd}); ${results.seconds.toFixed(0)} s`);
  if (deployFile && results.matrix) {
    writeFileSync(deployFile, replacePlans(readFileSync(deployFile, "utf8"), renderPlans(results)));
    log(`wrote the plans block of ${deployFile}`);
  }
}

try {
  if (fromJson) write(JSON.parse(readFileSync(fromJson, "utf8")));
  else await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
