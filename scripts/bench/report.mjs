// docs/BENCHMARKS.md from the results of run.mjs.
import { anatomySection } from "./anatomy.mjs";
import { faultsSection, faultsTargetRows } from "./faults.mjs";
import { historySection } from "./history.mjs";
import { isFlat } from "./proc.mjs";

const f = (n, digits = 1) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));
const kb = (bytes) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
const yes = (ok) => (ok ? "**met**" : "**missed**");

const PAGE_LABEL = { "page-20k": "20 KB", "page-200k": "200 KB", "page-2m": "2 MB" };
const GATE_STATES = ["gk-none", "gk-all", "gk-analytics"];

function cell(results, page, connections, variant) {
  return results.matrix.find((c) => c.page === page && c.connections === connections && c.variant === variant);
}

function targets(r) {
  const floor = cell(r, "page-200k", 10, "floor");
  const states = GATE_STATES.map((id) => ({ id, c: cell(r, "page-200k", 10, id) }));
  const rpsRatios = states.map(({ id, c }) => `${id} ${f(c.rps / floor.rps, 2)}×`).join(", ");
  const p50Ratios = states.map(({ id, c }) => `${id} ${f(c.p50 / floor.p50, 2)}×`).join(", ");
  const cpu = states.map(({ id, c }) => ({ id, abs: c.cpuPerRequest, over: c.cpuPerRequest - floor.cpuPerRequest }));
  const hostileGate = r.hostile.filter((h) => h.variant === "gk-none");
  const flat = r.flatness;
  const flatOk = isFlat(flat.growthMiB, flat.startMiB);
  const gateStream = r.streaming.filter((s) => s.variant === "gk-none");
  const identityStream = gateStream.filter((s) => s.acceptEncoding === "identity");
  const gzipStream = gateStream.filter((s) => s.acceptEncoding === "gzip");
  const floorGzip = r.streaming.find(
    (s) => s.variant === "floor" && s.acceptEncoding === "gzip" && s.origin === "never compresses",
  );
  return [
    "| Target | Measured | |",
    "|---|---|---|",
    `| 200 KB at 10 connections: gatekeeper throughput ≥ 0.9× floor | ${rpsRatios} | ${yes(states.every(({ c }) => c.rps / floor.rps >= 0.9))} |`,
    `| 200 KB at 10 connections: gatekeeper p50 ≤ 1.1× floor | ${p50Ratios} | ${yes(states.every(({ c }) => c.p50 / floor.p50 <= 1.1))} |`,
    `| CPU per request < 1 ms at 200 KB (the gatekeeper's own, above the floor's ${f(floor.cpuPerRequest, 2)} ms) | ${cpu.map((x) => `${x.id} ${f(x.over, 2)} ms (${f(x.abs, 2)} total)`).join(", ")} | ${yes(cpu.every((x) => x.over < 1))} |`,
    `| Hostile page < 50 ms CPU | ${hostileGate.map((h) => `${h.page} ${f(h.cpuPerRequest, 1)} ms`).join(", ")} | ${yes(hostileGate.every((h) => h.cpuPerRequest < 50))} |`,
    `| RSS flat over ${flat.target.toLocaleString("en")} requests of the 2 MB page | ${flat.requests.toLocaleString("en")} requests: ${f(flat.startMiB, 0)} → ${f(flat.endMiB, 0)} MiB; highest RSS in the second half ${f(flat.growthMiB, 1)} MiB above the first half's | ${flat.requests < flat.target ? `**not shown**: only ${flat.requests.toLocaleString("en")} of ${flat.target.toLocaleString("en")} requests fit the time cap` : yes(flatOk)} |`,
    `| Streaming: first byte far under 2 s (first HTML byte through the gatekeeper, identity client) | ${identityStream.map((s) => `origin ${s.origin === "gzip when asked" ? "gzips" : "plain"}: ${f(s.firstDecoded, 0)} ms`).join("; ")}. A gzip client: ${gzipStream.map((s) => `${f(s.firstDecoded, 0)} ms`).join(" / ")}, as the floor (${f(floorGzip?.firstDecoded, 0)} ms) whenever the runtime compresses (see Streaming) | ${yes(identityStream.every((s) => s.firstDecoded < 500))} |`,
    ...(r.faults ? faultsTargetRows(r.faults) : []),
  ].join("\n");
}

/** This run's 200 KB, 10-connection figures, for the before-and-after table. */
function currentFigures(r) {
  const floor = cell(r, "page-200k", 10, "floor");
  const cpuAboveFloorMs = {};
  const rpsRatio = {};
  for (const id of GATE_STATES) {
    const c = cell(r, "page-200k", 10, id);
    cpuAboveFloorMs[id] = c.cpuPerRequest - floor.cpuPerRequest;
    rpsRatio[id] = c.rps / floor.rps;
  }
  return { cpuAboveFloorMs, rpsRatio };
}

function matrixTables(r) {
  const out = [];
  for (const page of Object.keys(PAGE_LABEL)) {
    out.push(`### ${PAGE_LABEL[page]} page`, "");
    out.push(
      "| conns | variant | req/s | × floor | p50 ms | × floor | p99 ms | CPU ms/req | above floor | peak RSS MiB |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const connections of r.config.CONNECTIONS) {
      const floor = cell(r, page, connections, "floor");
      for (const v of r.variants) {
        const c = cell(r, page, connections, v.id);
        const isGate = GATE_STATES.includes(v.id);
        out.push(
          `| ${connections} | ${v.label} | ${f(c.rps, 0)} | ${v.id === "direct" ? "–" : f(c.rps / floor.rps, 2)} | ${f(c.p50, 2)} | ${v.id === "direct" ? "–" : f(c.p50 / floor.p50, 2)} | ${f(c.p99, 1)} | ${f(c.cpuPerRequest, 2)} | ${isGate ? f(c.cpuPerRequest - floor.cpuPerRequest, 2) : "–"} | ${f(c.peakMiB, 0)} |${c.failures ? ` ${c.failures} failed` : ""}`,
        );
      }
    }
    out.push("");
  }
  return out.join("\n");
}

export function renderReport(r) {
  const m = r.machine;
  const pageSizes = Object.entries(r.checks.sizes)
    .map(
      ([page, s]) =>
        `| ${PAGE_LABEL[page]} | ${s.direct.toLocaleString("en")} | ${GATE_STATES.map((id) => s[id].toLocaleString("en")).join(" | ")} |`,
    )
    .join("\n");
  const hostileRows = r.hostile
    .map(
      (h) =>
        `| ${h.page} | ${h.variant} | ${f(h.cpuPerRequest, 1)} | ${f(h.ms, 0)} | ${h.status} | ${h.bytesOut.toLocaleString("en")} | ${h.bytesOut < h.inputBytes ? `cut off at ${f((100 * h.bytesOut) / h.inputBytes, 0)} % of ${h.inputBytes.toLocaleString("en")}` : "complete"}${h.complete ? "" : ` (${h.error})`}${h.runtimeErrors.length ? `; workerd: ${h.runtimeErrors.join("; ")}` : ""} |`,
    )
    .join("\n");
  const streamRows = r.streaming
    .map(
      (s) =>
        `| ${s.origin} | ${s.variant} | ${s.acceptEncoding} | ${s.contentEncoding} | ${f(s.head, 0)} | ${f(s.firstByte, 0)} | **${f(s.firstDecoded, 0)}** | ${f(s.end, 0)} |`,
    )
    .join("\n");
  const compressedRows = r.compressed
    .map((c) => {
      const floor = r.compressed.find((x) => x.variant === "floor");
      return `| ${c.variant} | ${f(c.rps, 0)} | ${f(c.rps / floor.rps, 2)} | ${f(c.p50, 2)} | ${f(c.p50 / floor.p50, 2)} | ${f(c.cpuPerRequest, 2)} | ${c.bytesPerResponse.toLocaleString("en", { maximumFractionDigits: 0 })} |${c.failures ? ` ${c.failures} failed` : ""}`;
    })
    .join("\n");
  const flat = r.flatness;
  const flatSamples = flat.samples.map((s) => `${s.done.toLocaleString("en")}: ${f(s.rssMiB, 0)}`).join(" · ");
  return `# Benchmarks

Generated by \`npm run bench\` (scripts/bench/) on ${r.startedAt}; do not edit by hand. The run took
${f(r.seconds, 0)} s.

## Machine

| | |
|---|---|
| CPU | ${m.cpu} |
| Cores | ${m.cores} |
| Memory | ${f(m.memoryGiB, 1)} GiB |
| Kernel | ${m.kernel} |
| Node | ${m.node} |
| workerd | ${m.workerd} (Miniflare ${m.miniflare}, wrangler ${m.wrangler}) |
| Worker bundle | ${r.bundle}, ${kb(r.bundleBytes)} |
| Load average (1, 5, 15 min) at start | ${r.loadStart} |
| Load average at end | ${r.loadEnd} |
| 1-min load during the run (every 5 s) | min ${f(r.loadSamples.min, 2)}, mean ${f(r.loadSamples.mean, 2)}, max ${f(r.loadSamples.max, 2)} |

The machine is shared: a load average above the core count means other work (other engineers'
test runs) competed for the CPU while this ran. Ratios between variants are measured side by side
and hold up better than absolute numbers; CPU time per request is less sensitive to load than
req/s or latency, but not immune (caches, frequency).

## How it is measured

- The deploy bundle (\`wrangler deploy --dry-run --outdir\`, which bundles \`policies/\`) is served
  straight from workerd through Miniflare's API, not through \`wrangler dev\`. The floor is a
  pass-through worker, \`fetch(new Request(env.ORIGIN + path, request))\`, served the same way.
  Each gets its own workerd process; both go through Miniflare's small entry worker inside workerd,
  so that cost is in the floor too.
- The origin is a Node process of its own serving the pages from memory (identity encoding, with
  \`Content-Length\`). Pages are generated from \`demo/site/index.html\`: its head (GTM, gtag.js,
  preconnects, first-party config and app.js), GTM noscript iframe, Elfsight widget and Intercom
  snippets, plus repeated content sections, first-party scripts (external and inline JSON state),
  images with \`srcset\` and prefetch links up to the size (about 14 elements per KB).
- Load: autocannon ${r.config.ROUND_SECONDS ? "" : ""}at 1 and 10 connections, ${r.config.ROUNDS} rounds of ${r.config.ROUND_SECONDS} s per
  variant, alternating (forward, then reversed) so drift hits every variant alike, after a 1 s
  warm-up per variant and page. Latency percentiles come from every response's own time (autocannon's
  histogram has 1 ms resolution). req/s = completed responses / elapsed time over all rounds.
- CPU per request: the workerd process's utime + stime from \`/proc/<pid>/stat\` (all threads,
  10 ms ticks) over the rounds, divided by the responses. It includes workerd's HTTP work on both
  sides, which the floor also pays, so the gatekeeper's own cost is the column "above floor".
  Peak RSS: \`VmHWM\` from \`/proc/<pid>/status\`, reset before each run (\`clear_refs\`).
- Consent states: no cookie; \`${r.variants.find((v) => v.id === "gk-all").cookie}\`;
  \`${r.variants.find((v) => v.id === "gk-analytics").cookie}\`.
- Before measuring, the run checks: ${r.checks.notes.join("; ")}.

## Targets

${targets(r)}

${historySection(currentFigures(r))}
## Throughput, latency, CPU and memory

${matrixTables(r)}
CPU per request counts completed responses; at 10 connections up to 10 requests cut off when a
run ends add CPU time without being counted. That matters only where few requests complete (the
2 MB page through the gatekeeper): read its CPU per request from the 1-connection rows.

The same 200 KB page from an origin that gzips (every request the runtime hands a worker says
\`Accept-Encoding: br, gzip\`, so the gatekeeper asks the origin for gzip): the floor passes the gzip
bytes through, the gatekeeper decodes and rewrites, and sends the rewritten page without
\`Content-Encoding\` (the client here asks for identity). 10 connections:

| variant | req/s | × floor | p50 ms | × floor | CPU ms/req | bytes/response |
|---|---:|---:|---:|---:|---:|---:|
${compressedRows}

Bytes each variant sends for each page (the gatekeeper removes vendor tags and injects the banner,
Consent Mode defaults and the footer link):

| page | origin | ${GATE_STATES.join(" | ")} |
|---|---:|---:|---:|---:|
${pageSizes}

## Memory over ${flat.target.toLocaleString("en")} requests of the 2 MB page

Gatekeeper, every connection alternating no consent (the most rewriting: inline scripts and noscript
held back and judged) and all consent (injections and re-pointing), 10 connections: ${flat.requests.toLocaleString("en")} requests in
${f(flat.seconds, 0)} s (${f(flat.rps, 1)} req/s, ${f(flat.cpuPerRequest, 1)} ms CPU each, ${flat.failures} failed).
${
  flat.requests < flat.target
    ? `The run stops at ${f(flat.capSeconds, 0)} s (BENCH_FLAT_SECONDS, and what is left of BENCH_BUDGET_SECONDS) so \`npm run bench\` stays under 10 minutes; at this
rate ${flat.target.toLocaleString("en")} requests would take ${f(flat.target / flat.rps, 0)} s. \`BENCH_FLAT_SECONDS=${Math.ceil(flat.target / flat.rps / 60) * 60 + 60}\` runs them all.`
    : ""
}
RSS ${f(flat.startMiB, 0)} MiB at the start (after the other runs), ${f(flat.endMiB, 0)} MiB at the end, between
${f(flat.minMiB, 0)} and ${f(flat.maxMiB, 0)} MiB throughout (it saws with garbage collection), peak (VmHWM)
${f(flat.peakMiB, 0)} MiB; the highest RSS of the second half is ${f(flat.secondHalfMaxMiB, 0)} MiB against ${f(flat.firstHalfMaxMiB, 0)} MiB in the first.
RSS is the whole workerd process (runtime, Miniflare's entry worker, the isolate), not the isolate's
heap.

RSS by requests done: ${flatSamples}.

${r.faults ? faultsSection(r.faults) : ""}
## Hostile pages

100,000 \`<a></b>\` pairs (700 KB) and 40,000 nested \`<div>\` (440 KB), ${r.config.HOSTILE_REPEATS} requests one at a time.

| page | variant | CPU ms/req | wall ms | status | bytes out | body |
|---|---|---:|---:|---:|---:|---|
${hostileRows}

${hostileNote(r)}

${r.anatomy ? anatomySection(r.anatomy, r.scriptCounts) : ""}
## Streaming

The origin sends the page's \`<head>\` (about 2 KB), waits 2 s, then sends the rest (200 KB): one
origin gzips when asked (and flushes after the head), the other never compresses. Times in ms from
sending the request, median of ${r.config.STREAM_TRIALS}; "first HTML" is the first byte after gunzip.

| origin | variant | client Accept-Encoding | answer | head | first byte | first HTML | end |
|---|---|---|---|---:|---:|---:|---:|
${streamRows}

${streamingNote(r)}

## Consent banner size

The banner a no-consent visitor gets (\`<style data-gatekeeper>\` plus
\`<div data-gatekeeper id="gk-banner">\`, lang ${r.banner.lang}), cut from a page served by the gatekeeper:
${r.banner.rawBytes.toLocaleString("en")} bytes, **${r.banner.gzipBytes.toLocaleString("en")} bytes gzipped** (level 6; ${r.banner.gzip9Bytes.toLocaleString("en")} at level 9).
`;
}

function hostileNote(r) {
  const limited = r.hostile.filter(
    (h) => h.variant === "gk-none" && h.runtimeErrors.some((e) => /memory limit/i.test(e)),
  );
  if (!limited.length) return "";
  return `The gatekeeper's rewriter stops on ${limited.map((h) => h.page).join(" and ")} with lol-html's "memory limit
has been exceeded": with any selector registered lol-html keeps a stack of open elements, and
neither page closes its elements (\`</b>\` closes nothing, so every \`<a>\` stays open). The stream
ends there and the rest of the page is dropped: bounded and failing closed, with the status already
sent (200). For \`<a></b>\` the CPU spent before the limit grows with the square of the depth, since
every stray end tag searches the whole stack; an empty HTMLRewriter with a single \`img\` selector
costs the same, so no choice of selectors avoids it.`;
}

function streamingNote(r) {
  const s = (origin, variant, ae) =>
    r.streaming.find((x) => x.origin === origin && x.variant === variant && x.acceptEncoding === ae).firstDecoded;
  const GZ = "gzip when asked";
  const PLAIN = "never compresses";
  return `What the numbers show (gatekeeper, first HTML byte): origin that never compresses, identity
${f(s(PLAIN, "gk-none", "identity"), 0)} ms, gzip ${f(s(PLAIN, "gk-none", "gzip"), 0)} ms; origin that gzips, identity ${f(s(GZ, "gk-none", "identity"), 0)} ms,
gzip ${f(s(GZ, "gk-none", "gzip"), 0)} ms. The floor: ${f(s(GZ, "floor", "identity"), 0)} / ${f(s(GZ, "floor", "gzip"), 0)} ms with the compressing origin.

- The rewriter itself streams: with an identity client the head leaves the gatekeeper as soon
  as it arrives, whether the origin compresses or not (the gatekeeper decodes the origin's gzip,
  and sends the rewritten page without \`Content-Encoding\`).
- workerd buffers when it compresses. For a gzip client, Miniflare's entry worker stands in for
  Cloudflare's edge compression by setting \`Content-Encoding: gzip\` on the worker's answer, and
  workerd's encoder does not flush per chunk, so a 2 KB head waits for the rest of the page. The
  floor pays the same (${f(s(PLAIN, "floor", "gzip"), 0)} ms) with the origin that never compresses; it escapes only when it passes
  the origin's own gzip bytes through untouched, flushes included. Deployed, compression is the
  edge's, after the worker.`;
}
