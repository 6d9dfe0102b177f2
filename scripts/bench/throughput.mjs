// The load phase: every page at each connection count, all variants side by side in paired
// rounds. Each round runs every variant once (forward, then reversed in the next round, so drift
// within a cell hits every variant alike), and each ratio is taken within a round, then the
// median over the rounds is reported: a slow moment of the shared machine moves a whole round, not
// one variant.
//
// A run is a fixed number of requests, sized from a warm-up to take about `roundSeconds`: every
// request runs to its end, so CPU per request counts all the CPU it cost and nothing of requests
// cut off when a timed run stops (which, at 8 connections, was up to 8 × a 2 MB rewrite).
import { runLoad } from "./load.mjs";
import { cpuMs, memory, resetPeak } from "./proc.mjs";
import { median, percentile, sum } from "./stats.mjs";

const WARMUP_SECONDS = { 1: 0.5, default: 1 };

const urlOf = (v, page) => `${v.url}${v.prefix ?? ""}/${page}`;

async function measuredRun(v, page, connections, amount, roundSeconds) {
  if (v.pid) resetPeak(v.pid);
  const cpu0 = v.pid ? cpuMs(v.pid) : 0;
  const result = await runLoad({
    url: urlOf(v, page),
    connections,
    amount,
    // Only a guard for a machine that slowed down a lot: stop issuing, as a timed run would.
    stopAfterSeconds: roundSeconds * 6,
    headers: v.headers,
    keepLatencies: true,
  });
  return {
    ...result,
    cpuMs: v.pid ? cpuMs(v.pid) - cpu0 : null,
    peakMiB: v.pid ? memory(v.pid).peakMiB : null,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** Requests for a run of about `seconds`, from a warm-up's rate (at least 2 per connection). */
async function calibrate(v, page, connections, seconds) {
  const warm = await runLoad({
    url: urlOf(v, page),
    connections,
    duration: WARMUP_SECONDS[connections] ?? WARMUP_SECONDS.default,
    headers: v.headers,
  });
  return Math.max(connections * 2, Math.round(warm.rps * seconds));
}

/**
 * The per-round ratios of `round` (variant id → run) for variant `id`: req/s and CPU against the
 * floor and the minimum, CPU above the floor against the minimum's. Null where a base is missing.
 */
export function roundRatios(round, id) {
  const v = round[id];
  const floor = round.floor;
  const minimum = round.minimum;
  const cpu = (r) => (r?.cpuMs == null ? null : r.cpuMs / r.requests);
  const div = (a, b) => (a == null || b == null || b === 0 ? null : a / b);
  return {
    rpsVsFloor: div(v.rps, floor?.rps),
    rpsVsMinimum: div(v.rps, minimum?.rps),
    cpuVsFloor: div(cpu(v), cpu(floor)),
    cpuAboveFloorVsMinimum:
      cpu(v) == null || cpu(floor) == null ? null : div(cpu(v) - cpu(floor), cpu(minimum) - cpu(floor)),
  };
}

/** One cell (page × connections × variant) from its runs and its rounds' ratios. */
function summarise(page, connections, v, runs, ratios) {
  const requests = sum(runs.map((x) => x.requests));
  const seconds = sum(runs.map((x) => x.seconds));
  const latencies = runs.flatMap((x) => x.latencies).sort((a, b) => a - b);
  const medianOf = (key) => median(ratios.map((r) => r[key]).filter((x) => x !== null));
  return {
    page,
    connections,
    variant: v.id,
    requests,
    rps: requests / seconds,
    roundsRps: runs.map((x) => x.rps),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerRequest: v.pid ? sum(runs.map((x) => x.cpuMs)) / requests : null,
    roundsCpuPerRequest: v.pid ? runs.map((x) => x.cpuMs / x.requests) : [],
    peakMiB: v.pid ? Math.max(...runs.map((x) => x.peakMiB)) : null,
    failures: sum(runs.map((x) => x.failures)),
    ratios: {
      rpsVsFloor: medianOf("rpsVsFloor"),
      rpsVsMinimum: medianOf("rpsVsMinimum"),
      cpuVsFloor: medianOf("cpuVsFloor"),
      cpuAboveFloorVsMinimum: medianOf("cpuAboveFloorVsMinimum"),
    },
  };
}

/**
 * req/s, latency, CPU and peak RSS per page × connections × variant. `rounds` paired rounds per
 * cell; at a single connection `singleRounds` (the ratios the report judges are the 8-connection
 * ones). Variants with role "reference" (the origin direct) run in the first round only.
 */
export async function throughputMatrix({ variants, pages, connections, rounds, singleRounds, roundSeconds, log }) {
  const cells = [];
  for (const page of pages) {
    for (const conns of connections) {
      const amounts = {};
      for (const v of variants) amounts[v.id] = await calibrate(v, page, conns, roundSeconds);
      const runsBy = Object.fromEntries(variants.map((v) => [v.id, []]));
      const roundsAll = [];
      const n = conns === 1 ? singleRounds : rounds;
      for (let r = 0; r < n; r++) {
        const order = (r % 2 === 0 ? variants : [...variants].reverse()).filter(
          (v) => r === 0 || v.role !== "reference",
        );
        const round = {};
        for (const v of order) {
          round[v.id] = await measuredRun(v, page, conns, amounts[v.id], roundSeconds);
          runsBy[v.id].push(round[v.id]);
        }
        roundsAll.push(round);
      }
      for (const v of variants) {
        const ratios = roundsAll.filter((round) => round[v.id]).map((round) => roundRatios(round, v.id));
        cells.push(summarise(page, conns, v, runsBy[v.id], ratios));
      }
      const line = variants
        .map((v) => {
          const c = cells.find((x) => x.page === page && x.connections === conns && x.variant === v.id);
          return `${v.id} ${c.rps.toFixed(0)}/s${c.cpuPerRequest == null ? "" : ` ${c.cpuPerRequest.toFixed(2)} ms`}`;
        })
        .join(", ");
      log(`${page} c=${conns}: ${line}`);
    }
  }
  return cells;
}

/**
 * The 200 KB page from an origin that gzips (the runtime asks every origin for gzip, br): the
 * gatekeeper then decodes, rewrites and re-encodes, the floor passes the gzip bytes through.
 */
export async function compressedOrigin({ variants, rounds, roundSeconds, log }) {
  const page = "gz/page-200k";
  const amounts = {};
  for (const v of variants) amounts[v.id] = await calibrate(v, page, 10, roundSeconds);
  const runs = Object.fromEntries(variants.map((v) => [v.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) runs[v.id].push(await measuredRun(v, page, 10, amounts[v.id], roundSeconds));
  }
  const out = variants.map((v) => {
    const r = runs[v.id];
    const latencies = r.flatMap((x) => x.latencies).sort((a, b) => a - b);
    const requests = sum(r.map((x) => x.requests));
    return {
      variant: v.id,
      rps: requests / sum(r.map((x) => x.seconds)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuPerRequest: sum(r.map((x) => x.cpuMs)) / requests,
      bytesPerResponse: sum(r.map((x) => x.bytes)) / requests,
      failures: sum(r.map((x) => x.failures)),
    };
  });
  log(
    `gzip origin 200 KB c=10: ${out.map((c) => `${c.variant} ${c.rps.toFixed(0)}/s ${c.cpuPerRequest.toFixed(2)} ms CPU`).join(", ")}`,
  );
  return out;
}
