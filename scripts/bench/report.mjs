// All of the bench's markdown: docs/BENCHMARKS.md and the "Plans and costs" block of
// docs/DEPLOY.md, from the results run.mjs collects (or reads back with --from-json). The phase
// modules only measure; every section here renders only when its phase ran, so a partial run
// (--only) renders what it has.
import { HISTORY } from "./history.mjs";
import { allMarkers } from "./markers.mjs";
import { isFlat } from "./proc.mjs";
import { TARGETS } from "./variants.mjs";

// ─── Formatting ─────────────────────────────────────────────────────────────────────────────────

const missing = (n) => n === null || n === undefined || Number.isNaN(n);
const f = (n, digits = 1) => (missing(n) ? "–" : n.toFixed(digits));
const int = (n) => (missing(n) ? "–" : n.toLocaleString("en"));
const signed = (n) => `${n >= 0 ? "+" : "−"}${f(Math.abs(n), 1)}`;
const kb = (bytes) => `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
const mb = (bytes) => bytes / 1e6;
const yes = (ok) => (ok ? "**met**" : "**missed**");
const times = (n) => (missing(n) ? "–" : `${n.toFixed(2)}×`);

const PAGE_LABEL = { "page-20k": "20 KB", "page-200k": "200 KB", "page-2m": "2 MB" };
const GATE_STATES = ["gk-none", "gk-analytics", "gk-all"];

/** The defaults of run.mjs: a run below any of them is a short run, and the report says so. */
export const FULL_RUN = { ROUND_SECONDS: 1.5, ROUNDS: 3, FLAT_REQUESTS: 10_000, BROWSER_RUNS: 5 };

// ─── Cells and targets ──────────────────────────────────────────────────────────────────────────

function cell(r, page, connections, variant) {
  return r.matrix?.find((c) => c.page === page && c.connections === connections && c.variant === variant);
}

/** The connection count the ratios are judged at: the matrix's highest. */
const loadConnections = (r) => Math.max(...r.config.CONNECTIONS);

const RATIO_KEY = {
  "cpuAboveFloor/minimum": "cpuAboveFloorVsMinimum",
  "rps/minimum": "rpsVsMinimum",
  "rps/floor": "rpsVsFloor",
  "cpu/floor": "cpuVsFloor",
};
const TARGET_TEXT = {
  "cpuAboveFloor/minimum": "CPU above the floor, × the minimum's",
  "rps/minimum": "throughput × the minimum's",
  "rps/floor": "throughput × the floor's",
  "cpu/floor": "CPU per request × the floor's",
};

/** A target ({ metric, against, max | min }) applied to a cell: its ratio and whether it is met. */
function judgeTarget(c, t) {
  const value = c?.ratios?.[RATIO_KEY[`${t.metric}/${t.against}`]];
  if (missing(value)) return { value, met: false };
  return { value, met: t.max !== undefined ? value <= t.max : value >= t.min };
}
const bound = (t) => (t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`);

// ─── Header ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Whether this run is short (below FULL_RUN, or some phases only) or ran on a loaded machine. The
 * bench itself keeps about one process per core busy (workerd, and the load generator with the
 * origin), so a 1-minute load average up to the core count is its own; above one more than that,
 * other work competed for the CPU.
 */
export function provenance(r) {
  const c = r.config;
  const short = [
    c.ROUND_SECONDS < FULL_RUN.ROUND_SECONDS && `BENCH_ROUND_SECONDS=${c.ROUND_SECONDS}`,
    c.ROUNDS < FULL_RUN.ROUNDS && `BENCH_ROUNDS=${c.ROUNDS}`,
    c.FLAT_REQUESTS < FULL_RUN.FLAT_REQUESTS && `BENCH_FLAT_REQUESTS=${c.FLAT_REQUESTS}`,
    c.BROWSER_RUNS < FULL_RUN.BROWSER_RUNS && `BENCH_BROWSER_RUNS=${c.BROWSER_RUNS}`,
    r.only && `only ${r.only.join(", ")}`,
  ].filter(Boolean);
  const loaded = r.loadSamples && r.loadSamples.max > r.machine.cores + 1;
  return { short, loaded };
}

function notice(r) {
  const { short, loaded } = provenance(r);
  if (!short.length && !loaded) return "";
  const why = [
    short.length ? `a short run (${short.join(", ")})` : "",
    loaded
      ? `on a loaded machine (1-minute load average up to ${f(r.loadSamples.max, 1)} on ${r.machine.cores} cores, where the bench alone keeps it near ${r.machine.cores})`
      : "",
  ]
    .filter(Boolean)
    .join(" ");
  return `> **Not a result.** These numbers come from ${why}: they show what the report looks like,
> not what the gatekeeper costs. Run \`npm run bench\` on a quiet machine for figures to quote.

`;
}

function machineSection(r) {
  const m = r.machine;
  return `## Machine

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
| Phases, s | ${Object.entries(r.timings ?? {})
    .map(([name, s]) => `${name} ${f(s, 0)}`)
    .join(", ")} (the rest: building and starting) |

The machine is shared: the bench alone keeps about one process per core busy, so a load average
more than one above the core count means other work (other engineers' test runs) competed for
the CPU while this ran. Ratios between variants are measured side by side
and hold up better than absolute numbers; CPU time per request is less sensitive to load than
req/s or latency, but not immune (caches, frequency).
`;
}

function methodSection(r) {
  const c = r.config;
  const top = loadConnections(r);
  const cookie = (id) => r.variants?.find((v) => v.id === id)?.cookie;
  return `## How it is measured

- The deploy bundle (\`wrangler deploy --dry-run --outdir\`, which bundles \`policies/\`) is served
  straight from workerd through Miniflare's API, not through \`wrangler dev\`. The **floor** is a
  pass-through worker, \`fetch(new Request(env.ORIGIN + path, request))\`; the **platform minimum**
  is the same worker answering \`${r.minimumRewrite ?? 'new HTMLRewriter().on("script:not([src])", { text() {} }).transform(res)'}\`:
  judging an inline script needs its text, so no HTMLRewriter gatekeeper can do less. Each is
  served the same way, in its own workerd process; all go through Miniflare's small entry worker
  inside workerd, so that cost is in the floor too.
- The origin is a Node process of its own serving the pages from memory (identity encoding, with
  \`Content-Length\`). Pages are generated from \`demo/site/index.html\`: its head (GTM, gtag.js,
  preconnects, first-party config and app.js), GTM noscript iframe, Elfsight widget and Intercom
  snippets, plus repeated content sections, first-party scripts (external and inline JSON state),
  images with \`srcset\` and prefetch links up to the size (about 14 elements per KB).
- Load: autocannon at ${c.CONNECTIONS.join(" and ")} connections. Each cell (page × connections) runs every variant
  once per round, in **paired rounds**: ${c.ROUNDS} rounds at ${top} connections (${c.SINGLE_ROUNDS} at 1), forward, then reversed,
  so drift hits every variant alike. A run is a fixed number of requests sized from a warm-up to
  last about ${c.ROUND_SECONDS} s, so no request is cut off when a run ends and CPU per request counts all the
  CPU it cost. **Ratios** (× floor, × minimum) are taken within each round, and the median over
  the rounds is reported; absolute req/s, latency and CPU pool all rounds. Latency percentiles
  come from every response's own time.
- CPU per request: the workerd process's utime + stime from \`/proc/<pid>/stat\` (all threads,
  10 ms ticks) over a run, divided by its responses. It includes workerd's HTTP work on both
  sides, which the floor also pays, so the gatekeeper's own cost is "above floor", and the
  platform's is the minimum's "above floor".
  Peak RSS: \`VmHWM\` from \`/proc/<pid>/status\`, reset before each run (\`clear_refs\`).
- Consent states: no cookie; \`${cookie("gk-analytics")}\`;
  \`${cookie("gk-all")}\`.
- Before measuring, the run checks: ${r.checks.notes.join("; ")}.
`;
}

// ─── Targets ────────────────────────────────────────────────────────────────────────────────────

/** The first speed targets: the 200 KB page against the floor. */
function floorTargetRows(r) {
  const top = loadConnections(r);
  const floor = cell(r, "page-200k", top, "floor");
  const states = GATE_STATES.map((id) => ({ id, c: cell(r, "page-200k", top, id) }));
  const rpsRatios = states.map(({ id, c }) => `${id} ${times(c.ratios.rpsVsFloor)}`).join(", ");
  const p50Ratios = states.map(({ id, c }) => `${id} ${times(c.p50 / floor.p50)}`).join(", ");
  const cpu = states.map(({ id, c }) => ({ id, abs: c.cpuPerRequest, over: c.cpuPerRequest - floor.cpuPerRequest }));
  return [
    `| 200 KB at ${top} connections: gatekeeper throughput ≥ 0.9× floor | ${rpsRatios} | ${yes(states.every(({ c }) => c.ratios.rpsVsFloor >= 0.9))} |`,
    `| 200 KB at ${top} connections: gatekeeper p50 ≤ 1.1× floor | ${p50Ratios} | ${yes(states.every(({ c }) => c.p50 / floor.p50 <= 1.1))} |`,
    `| CPU per request < 1 ms at 200 KB (the gatekeeper's own, above the floor's ${f(floor.cpuPerRequest, 2)} ms) | ${cpu.map((x) => `${x.id} ${f(x.over, 2)} ms (${f(x.abs, 2)} total)`).join(", ")} | ${yes(cpu.every((x) => x.over < 1))} |`,
  ];
}

/** The targets against the platform minimum: every gatekeeper state on every page against the minimum, and the cache. */
function minimumTargetRows(r) {
  const top = loadConnections(r);
  const pages = Object.keys(PAGE_LABEL);
  const rows = TARGETS.gatekeeper.map((t) => {
    const results = pages.flatMap((page) =>
      GATE_STATES.map((id) => ({ page, id, ...judgeTarget(cell(r, page, top, id), t) })),
    );
    const text = pages
      .map(
        (page) =>
          `${PAGE_LABEL[page]}: ${results
            .filter((x) => x.page === page)
            .map((x) => `${x.id.slice(3)} ${times(x.value)}`)
            .join(", ")}`,
      )
      .join("; ");
    return `| Every consent state, 20 KB, 200 KB and 2 MB, ${top} connections: ${TARGET_TEXT[`${t.metric}/${t.against}`]} ${bound(t)} | ${text} | ${yes(results.every((x) => x.met))} |`;
  });
  const hit = r.variants?.find((v) => v.role === "cacheHit");
  const cacheTargets = TARGETS.cacheHit.map((t) => `${TARGET_TEXT[`${t.metric}/${t.against}`]} ${bound(t)}`).join(", ");
  if (hit) {
    const results = pages.flatMap((page) =>
      TARGETS.cacheHit.map((t) => ({ page, t, ...judgeTarget(cell(r, page, top, hit.id), t) })),
    );
    const text = pages
      .map(
        (page) =>
          `${PAGE_LABEL[page]}: ${results
            .filter((x) => x.page === page)
            .map((x) => `${x.t.metric} ${times(x.value)}`)
            .join(", ")}`,
      )
      .join("; ");
    rows.push(`| Cache hit path: ${cacheTargets} | ${text} | ${yes(results.every((x) => x.met))} |`);
  } else {
    rows.push(
      `| Cache hit path: ${cacheTargets} | not measured: ${r.cache?.reason ?? "the load phase did not run"} | – |`,
    );
  }
  return rows;
}

function otherTargetRows(r) {
  const rows = [];
  if (r.hostile) {
    const gate = r.hostile.filter((h) => h.variant === "gk-none");
    rows.push(
      `| Hostile page < 50 ms CPU | ${gate.map((h) => `${h.page} ${f(h.cpuPerRequest, 1)} ms`).join(", ")} | ${yes(gate.every((h) => h.cpuPerRequest < 50))} |`,
    );
  }
  if (r.flatness) {
    const flat = r.flatness;
    rows.push(
      `| RSS flat over ${int(flat.target)} requests of the 2 MB page | ${int(flat.requests)} requests: ${f(flat.startMiB, 0)} → ${f(flat.endMiB, 0)} MiB; highest RSS in the second half ${f(flat.growthMiB, 1)} MiB above the first half's | ${flat.requests < flat.target ? `**not shown**: only ${int(flat.requests)} of ${int(flat.target)} requests fit the time cap` : yes(isFlat(flat.growthMiB, flat.startMiB))} |`,
    );
  }
  if (r.streaming) {
    const gate = r.streaming.filter((s) => s.variant === "gk-none");
    const identity = gate.filter((s) => s.acceptEncoding === "identity");
    const gzip = gate.filter((s) => s.acceptEncoding === "gzip");
    const floorGzip = r.streaming.find(
      (s) => s.variant === "floor" && s.acceptEncoding === "gzip" && s.origin === "never compresses",
    );
    rows.push(
      `| Streaming: first byte far under 2 s (first HTML byte through the gatekeeper, identity client) | ${identity.map((s) => `origin ${s.origin === "gzip when asked" ? "gzips" : "plain"}: ${f(s.firstDecoded, 0)} ms`).join("; ")}. A gzip client: ${gzip.map((s) => `${f(s.firstDecoded, 0)} ms`).join(" / ")}, as the floor (${f(floorGzip?.firstDecoded, 0)} ms) whenever the runtime compresses (see Streaming) | ${yes(identity.every((s) => s.firstDecoded < 500))} |`,
    );
  }
  return rows;
}

function targetsSection(r) {
  const rows = [
    ...(r.matrix ? [...floorTargetRows(r), ...minimumTargetRows(r)] : []),
    ...otherTargetRows(r),
    ...(r.faults ? faultsTargetRows(r.faults) : []),
  ];
  return `## Targets

Reported, never asserted in tests (benchmarks are not timed tests).

| Target | Measured | |
|---|---|---|
${rows.join("\n")}
`;
}

// ─── Against the platform minimum ───────────────────────────────────────────────────────────────

function minimumSection(r) {
  const top = loadConnections(r);
  const out = [
    `## Against the platform minimum

What HTMLRewriter itself forces, measured in the same run: the **minimum** is a worker with a
single no-op text handler on \`script:not([src])\`, built and served like the floor. At ${top} connections,
${r.config.ROUNDS} paired rounds; each ratio is the median of its per-round ratios. Targets: CPU
above the floor ≤ 1.25× the minimum's, throughput ≥ 0.8× the minimum's, in every consent state
on every page.

| page | variant | CPU ms/req | above floor | × minimum's (≤ 1.25) | req/s | × floor | × minimum's (≥ 0.8) |
|---|---|---:|---:|---:|---:|---:|---:|`,
  ];
  for (const page of Object.keys(PAGE_LABEL)) {
    const floor = cell(r, page, top, "floor");
    for (const v of r.variants.filter((x) => x.role !== "reference")) {
      const c = cell(r, page, top, v.id);
      const above = v.role === "floor" ? "–" : f(c.cpuPerRequest - floor.cpuPerRequest, 2);
      const targets = TARGETS[v.role] ?? [];
      const mark = (metric, against) => {
        const t = targets.find((x) => x.metric === metric && x.against === against);
        const value = c.ratios[RATIO_KEY[`${metric}/${against}`]];
        if (v.role === "minimum") return "1.00";
        if (v.role === "floor") return "–";
        return t ? `${times(value)} ${judgeTarget(c, t).met ? "met" : "**missed**"}` : times(value);
      };
      out.push(
        `| ${PAGE_LABEL[page]} | ${v.label} | ${f(c.cpuPerRequest, 2)} | ${above} | ${mark("cpuAboveFloor", "minimum")} | ${f(c.rps, 0)} | ${v.role === "floor" ? "1.00" : times(c.ratios.rpsVsFloor)} | ${mark("rps", "minimum")} |`,
      );
    }
    if (!r.variants.some((x) => x.role === "cacheHit"))
      out.push(
        `| ${PAGE_LABEL[page]} | gatekeeper, cache hit | – | – | not measured | – | – | – (target ≥ 0.9× floor, CPU ≤ 1.2× floor) |`,
      );
  }
  out.push("");
  if (!r.variants.some((x) => x.role === "cacheHit"))
    out.push(
      `The cache hit path is not measured: ${r.cache?.reason ?? "the load phase did not run"}. It is one more variant
of this table as soon as the gatekeeper answers from its consent-bucket cache (scripts/bench/variants.mjs,
\`cacheHitVariant\`), held to ≥ 0.9× the floor's throughput and ≤ 1.2× its CPU.
`,
    );
  return out.join("\n");
}

// ─── Calls into JavaScript ──────────────────────────────────────────────────────────────────────

const shorten = (text, n = 90) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function callsSection(r) {
  const rows = r.calls;
  const ids = [...new Set(rows.map((x) => x.variant))];
  const pages = [...new Set(rows.map((x) => x.page))];
  const get = (page, id) => rows.find((x) => x.page === page && x.variant === id);
  const perCallMs = r.anatomy ? anatomyPerCallMs(r.anatomy, r.scriptCounts) : 0.02;
  const top = loadConnections(r);
  const explain = r.matrix
    ? pages.flatMap((page) =>
        ids
          .filter((id) => id !== "minimum")
          .map((id) => {
            const floor = cell(r, page, top, "floor");
            const min = cell(r, page, top, "minimum");
            const c = cell(r, page, top, id);
            const extraCalls = get(page, id).perRequest - get(page, "minimum").perRequest;
            const extraCpu = c.cpuPerRequest - floor.cpuPerRequest - (min.cpuPerRequest - floor.cpuPerRequest);
            return `| ${PAGE_LABEL[page]} | ${id} | ${f(extraCalls, 0)} | ${f(extraCalls * perCallMs, 2)} | ${f(extraCpu, 2)} |`;
          }),
      )
    : [];
  const breakdown = ids
    .filter((id) => id !== "minimum")
    .map((id) => {
      const byKey = Object.entries(get("page-200k", id)?.bySelector ?? {}).slice(0, 8);
      return `${id}:\n\n| selector | handler | calls/request |\n|---|---|---:|\n${byKey
        .map(([key, n]) => {
          const at = key.lastIndexOf(" | ");
          return `| \`${shorten(key.slice(0, at))}\` | ${key.slice(at + 3)} | ${f(n, 1)} |`;
        })
        .join("\n")}\n`;
    })
    .join("\n");
  return `## Calls from lol-html into JavaScript

Counted, not timed: each variant's worker is served once more with a shim loaded ahead of it
(scripts/bench/count-calls.worker.mjs) that wraps every handler given to \`HTMLRewriter.on\`,
\`onDocument\` and \`element.onEndTag\`, and counts the calls by selector; the counting workers
are never the ones the load phase times. Calls per request, one request at a time:

| variant | ${pages.map((p) => PAGE_LABEL[p]).join(" | ")} |
|---|${pages.map(() => "---:").join("|")}|
${ids.map((id) => `| ${id} | ${pages.map((p) => f(get(p, id)?.perRequest, 0)).join(" | ")} |`).join("\n")}

${
  explain.length
    ? `What the calls beyond the minimum's explain, at about ${f(perCallMs * 1000, 0)} µs a call (${r.anatomy ? "the anatomy section's estimate" : "workerd's usual price"}), against
the CPU above the minimum measured at ${top} connections:

| page | variant | calls beyond the minimum's | their cost, ms | CPU above the minimum's, ms |
|---|---|---:|---:|---:|
${explain.join("\n")}

Where the CPU is far above what the calls cost, the difference is work inside the handlers (an
inline script's text judged) and native selector matching (attribute selectors are tested on
every element), which a CPU profile of the gatekeeper's workerd attributes
(\`node --cpu-prof\` does not see into workerd; use \`wrangler dev\`'s DevTools or
\`workerd --inspector-addr\`).
`
    : ""
}
The 200 KB page, by selector (the largest first):

${breakdown}`;
}

// ─── Before and after ───────────────────────────────────────────────────────────────────────────

function historySection(r) {
  const top = loadConnections(r);
  const floor = cell(r, "page-200k", top, "floor");
  const current = { cpuAboveFloorMs: {}, rpsRatio: {}, cpuVsMinimum: {}, rpsVsMinimum: {} };
  for (const id of GATE_STATES) {
    const c = cell(r, "page-200k", top, id);
    current.cpuAboveFloorMs[id] = c.cpuPerRequest - floor.cpuPerRequest;
    current.rpsRatio[id] = c.ratios.rpsVsFloor;
    current.cpuVsMinimum[id] = c.ratios.cpuAboveFloorVsMinimum;
    current.rpsVsMinimum[id] = c.ratios.rpsVsMinimum;
  }
  const cols = (values, digits) => GATE_STATES.map((s) => f(values?.[s], digits)).join(" | ");
  const rows = HISTORY.map((h) => {
    const x = h.current ? current : h;
    return `| ${h.when}${h.current ? ` (${top} connections)` : ""} | ${h.change} | ${cols(x.cpuAboveFloorMs, 2)} | ${cols(x.rpsRatio, 2)} | ${cols(x.cpuVsMinimum, 2)} | ${cols(x.rpsVsMinimum, 2)} |`;
  });
  return `## Before and after

The 200 KB page after each round of work (each row is that run of \`npm run bench\`, at 10
connections until the platform minimum joined the bench, at ${top} since; runs on a shared machine vary by
±10 %). States in each group: no consent, analytics only, all consent.

| run | change | CPU above floor, ms | | | throughput × floor | | | CPU above floor × minimum's | | | throughput × minimum's | | |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
`;
}

// ─── Throughput tables ──────────────────────────────────────────────────────────────────────────

function matrixTables(r) {
  const out = [];
  for (const page of Object.keys(PAGE_LABEL)) {
    out.push(`### ${PAGE_LABEL[page]} page`, "");
    out.push(
      "| conns | variant | req/s | × floor | × minimum | p50 ms | × floor | p99 ms | CPU ms/req | above floor | peak RSS MiB |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const connections of r.config.CONNECTIONS) {
      const floor = cell(r, page, connections, "floor");
      for (const v of r.variants) {
        const c = cell(r, page, connections, v.id);
        const ref = v.role === "reference";
        out.push(
          `| ${connections} | ${v.label} | ${f(c.rps, 0)} | ${ref ? "–" : times(c.ratios.rpsVsFloor)} | ${ref ? "–" : times(c.ratios.rpsVsMinimum)} | ${f(c.p50, 2)} | ${ref ? "–" : times(c.p50 / floor.p50)} | ${f(c.p99, 1)} | ${f(c.cpuPerRequest, 2)} | ${ref || v.role === "floor" ? "–" : f(c.cpuPerRequest - floor.cpuPerRequest, 2)} | ${f(c.peakMiB, 0)} |${c.failures ? ` ${c.failures} failed` : ""}`,
        );
      }
    }
    out.push("");
  }
  return out.join("\n");
}

function throughputSection(r) {
  const compressedRows = (r.compressed ?? []).map((c) => {
    const floor = r.compressed.find((x) => x.variant === "floor");
    return `| ${c.variant} | ${f(c.rps, 0)} | ${times(c.rps / floor.rps)} | ${f(c.p50, 2)} | ${times(c.p50 / floor.p50)} | ${f(c.cpuPerRequest, 2)} | ${int(Math.round(c.bytesPerResponse))} |${c.failures ? ` ${c.failures} failed` : ""}`;
  });
  const sizes = Object.entries(r.checks.sizes)
    .map(
      ([page, s]) => `| ${PAGE_LABEL[page]} | ${int(s.direct)} | ${GATE_STATES.map((id) => int(s[id])).join(" | ")} |`,
    )
    .join("\n");
  return `## Throughput, latency, CPU and memory

${matrixTables(r)}
${
  compressedRows.length
    ? `The same 200 KB page from an origin that gzips (every request the runtime hands a worker says
\`Accept-Encoding: br, gzip\`, so the gatekeeper asks the origin for gzip): the floor passes the gzip
bytes through, the gatekeeper decodes and rewrites, and sends the rewritten page without
\`Content-Encoding\` (the client here asks for identity). 10 connections:

| variant | req/s | × floor | p50 ms | × floor | CPU ms/req | bytes/response |
|---|---:|---:|---:|---:|---:|---:|
${compressedRows.join("\n")}
`
    : ""
}
Bytes each variant sends for each page (the gatekeeper removes vendor tags and injects the banner,
Consent Mode defaults and the footer link):

| page | origin | ${GATE_STATES.join(" | ")} |
|---|---:|---:|---:|---:|
${sizes}
`;
}

// ─── Memory ─────────────────────────────────────────────────────────────────────────────────────

function memorySection(r) {
  const flat = r.flatness;
  const samples = flat.samples.map((s) => `${int(s.done)}: ${f(s.rssMiB, 0)}`).join(" · ");
  return `## Memory over ${int(flat.target)} requests of the 2 MB page

Gatekeeper, every connection alternating no consent (the most rewriting: inline scripts and noscript
held back and judged) and all consent (injections and re-pointing), 10 connections: ${int(flat.requests)} requests in
${f(flat.seconds, 0)} s (${f(flat.rps, 1)} req/s, ${f(flat.cpuPerRequest, 1)} ms CPU each, ${flat.failures} failed).
${
  flat.requests < flat.target
    ? `The run stops at ${f(flat.capSeconds, 0)} s (BENCH_FLAT_SECONDS, and what is left of BENCH_BUDGET_SECONDS) so \`npm run bench\` stays under 10 minutes; at this
rate ${int(flat.target)} requests would take ${f(flat.target / flat.rps, 0)} s. \`BENCH_FLAT_SECONDS=${Math.ceil(flat.target / flat.rps / 60) * 60 + 60}\` runs them all.`
    : ""
}
RSS ${f(flat.startMiB, 0)} MiB at the start (after the other runs), ${f(flat.endMiB, 0)} MiB at the end, between
${f(flat.minMiB, 0)} and ${f(flat.maxMiB, 0)} MiB throughout (it saws with garbage collection), peak (VmHWM)
${f(flat.peakMiB, 0)} MiB; the highest RSS of the second half is ${f(flat.secondHalfMaxMiB, 0)} MiB against ${f(flat.firstHalfMaxMiB, 0)} MiB in the first.
RSS is the whole workerd process (runtime, Miniflare's entry worker, the isolate), not the isolate's
heap.

RSS by requests done: ${samples}.
`;
}

// ─── Faults ─────────────────────────────────────────────────────────────────────────────────────

function problemText(r) {
  if (!r.unexpected) return "";
  return ` (${Object.entries(r.problems)
    .map(([p, n]) => `${p} ×${n}`)
    .join("; ")})`;
}

function statusText(statuses) {
  return Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ×${int(n)}`)
    .join(", ");
}

function verdicts(fr) {
  const m = fr.mix;
  const warmLeaks = fr.warmup?.leaks ?? 0;
  const flat = isFlat(m.memory.growthMiB, m.memory.firstHalfMaxMiB);
  const all = m.requests >= m.target;
  const clean = m.leaks === 0 && warmLeaks === 0 && m.unintended5xx === 0 && m.unexpected === 0;
  const l = fr.long;
  const longGrowth = l.rssMaxMiB - l.rssBeforeMiB;
  const longOk = l.status === 200 && l.complete && l.endsWithMark && l.leaks.length === 0;
  return {
    flat,
    all,
    clean,
    load: all && clean && flat,
    longGrowth,
    longOk,
    longFlat: isFlat(longGrowth, l.rssBeforeMiB),
  };
}

/** The targets of the load run with faults and the 50 MB body. */
function faultsTargetRows(fr) {
  const m = fr.mix;
  const v = verdicts(fr);
  const gate5xx = m.intended5xx - m.originErrors5xx;
  const misses = [
    m.leaks || fr.warmup?.leaks ? "leaks" : "",
    m.unintended5xx ? "unintended 5xx" : "",
    m.unexpected ? "unexpected outcomes" : "",
    v.flat ? "" : "RSS not flat",
  ].filter(Boolean);
  const loadVerdict = !v.all
    ? `**not shown**: only ${int(m.requests)} of ${int(m.target)} requests fit the time cap`
    : misses.length
      ? `**missed**: ${misses.join(", ")}`
      : "**met**";
  const l = fr.long;
  return [
    `| Under load: ${int(m.target)} requests at ${fr.config.connections} connections, consent states and faults mixed: no 5xx but the intended 502/504, no leaks, memory flat | ${int(m.requests)} requests: ${int(m.leaks)} leaks, ${int(m.unintended5xx)} unintended 5xx (${int(gate5xx)} intended 502/504, ${int(m.originErrors5xx)} origin 500/503 passed on), ${int(m.unexpected)} other unexpected; RSS ${f(m.memory.startMiB, 0)} → ${f(m.memory.endMiB, 0)} MiB, second half's high ${signed(m.memory.growthMiB)} MiB against the first's | ${loadVerdict} |`,
    `| A ${f(mb(l.bytesDirect), 0)} MB body streams through without consent, tags removed, memory flat | ${int(l.bytesGate)} bytes out, ${l.complete && l.endsWithMark ? "complete" : "**incomplete**"}, ${l.leaks.length} leaks, RSS ${f(l.rssBeforeMiB, 0)} → at most ${f(l.rssMaxMiB, 0)} MiB (+${f(v.longGrowth, 1)}) | ${v.longOk && v.longFlat ? "**met**" : "**missed**"} |`,
  ];
}

/** What became of the pages the origin cut off, and of the connections they were on. */
function cutNotes(m, cutRoute) {
  const notes = [];
  if (m.cutTruncated)
    notes.push(`- **A page cut at the origin ends as if complete.** When the origin resets mid-body the gatekeeper's
  body stream errors, and workerd (this version, also without Miniflare) then ends the chunked
  response with its normal terminator and closes the connection, rather than aborting it
  ([workerd#6818](https://github.com/cloudflare/workerd/issues/6818)): of ${int(cutRoute.requests)} reset pages, ${int(cutRoute.aborted)} reached the client as aborted streams.
  What arrives is cut short (no \`</html>\`, no footer link) and filtered, so nothing leaks, but an HTTP
  client cannot tell it from a complete response. A pass-through worker with the origin's
  \`Content-Length\` lets the client see the shortfall; the gatekeeper drops \`Content-Length\` from
  rewritten pages, so it cannot.`);
  else if (cutRoute?.requests)
    notes.push(
      `- **A page cut at the origin** reached the client as an aborted stream every time (${int(cutRoute.aborted)}).`,
    );
  if (m.retried)
    notes.push(`- **Retries.** workerd closes the connection right after a response whose body errored, without
  \`Connection: close\`: ${int(m.retried)} requests went out on a connection the client did not yet know was closed
  (it had last carried: ${Object.entries(m.retriesAfter)
    .map(([route, n]) => `${route} ×${int(n)}`)
    .join(", ")}) and failed before any answer. The load client sends such a request again
  (up to 3 times), as browsers and Node's documentation do on a reused connection; they are not
  errors of the gatekeeper, and each is counted above.`);
  return notes.length ? `${notes.join("\n")}\n` : "";
}

/** The "Under load with faults" section of docs/BENCHMARKS.md. */
function faultsSection(fr, heading = "##") {
  const m = fr.mix;
  const v = verdicts(fr);
  const c = fr.config;
  const l = fr.long;
  const expectText = (r) => (r.expect.body === "cut" ? `${r.expect.status}, cut short` : String(r.expect.status));
  const routeRows = m.routes
    .filter((r) => r.requests)
    .map(
      (r) =>
        `| ${r.label}${r.via === "gate" ? "" : ` (${r.via === "timeout" ? "short-timeout gatekeeper" : "closed-port gatekeeper"})`} | ${r.origin ?? ""} | ${int(r.requests)} | ${expectText(r)} | ${statusText(r.statuses)} | ${r.expect.body === "cut" ? `${int(r.aborted)} aborted, ${int(r.truncated)} ended early` : int(r.aborted)} | ${int(r.unexpected)}${problemText(r)} | ${int(r.leaks)} | ${f(r.p50, 1)} | ${f(r.p99, 1)} |`,
    )
    .join("\n");
  const stateText = fr.states
    .map((s) => {
      const st = m.states[s.id] ?? { requests: 0, leaks: 0 };
      return `${s.label} ${int(st.leaks)} of ${int(st.requests)}`;
    })
    .join(", ");
  const gate5xx = m.routes
    .filter((r) => r.expect.status === 502 || r.expect.status === 504)
    .reduce((a, r) => a + (r.statuses[String(r.expect.status)] ?? 0), 0);
  const samples = m.memory.samples.map((x) => `${int(x.done)}: ${f(x.rssMiB, 0)}`).join(" · ");
  const retries = Object.entries(m.retriesAfter)
    .map(([route, n]) => `${int(n)} after ${route}`)
    .join(", ");
  const cutRoute = m.routes.find((r) => r.id === "reset-mid");
  const markerCount = allMarkers().length;
  return `${heading} Under load with faults

${int(m.requests)} requests${m.requests < m.target ? ` (of ${int(m.target)}: the run stops issuing requests at ${c.capSeconds} s, BENCH_FAULT_SECONDS)` : ""} at ${c.connections} connections in ${f(m.seconds, 0)} s (${f(m.rps, 0)} req/s), a fixed shuffle of healthy pages and origin faults, each
request with one of ${fr.states.length} consent states in turn: ${fr.states.map((s) => s.label).join(", ")}. A quarter of the
requests ask for gzip, as browsers do. Every response is read to its end (or to where its stream
breaks) and checked: its status and how its stream ended against what the route must give, and
its body (gunzipped) for any marker of a vendor whose purpose that state refuses, ${markerCount} markers in all
(\`googletagmanager.com/gtm.js\`, \`ns.html\`, \`'gtm.start'\`, gtag.js with its \`G-\` id and config,
Intercom's widget URL, \`window.intercomSettings\` and dns-prefetch, Elfsight's platform.js, widget
class and preconnect; the preconnect to www.googletagmanager.com only when both Google vendors are
refused). Each marker is first checked to be in the origin's own pages.
${fr.warmup ? `\nBefore them, ${int(fr.warmup.requests)} requests of the same mix warmed the gatekeeper up at this concurrency (${int(fr.warmup.leaks)} leaks, ${int(fr.warmup.unexpected)} unexpected; RSS ${f(fr.warmup.startMiB, 0)} → ${f(fr.warmup.endMiB, 0)} MiB).\n` : ""}
The gatekeeper is the deploy bundle above (its origin the bench origin, whose \`/fault/\` routes
misbehave: scripts/bench/fault-routes.mjs). The site policy waits 30 s for an origin, so the "no answer" route
goes to a second gatekeeper built the same way (\`wrangler deploy --dry-run\`) from a copy of the
project whose site policy says \`origin.timeoutMs: ${c.timeoutMs}\`, and "connection refused" to a third whose
\`ORIGIN\` is a closed port.

| | |
|---|---|
| Leaks (responses with a refused vendor's marker) | **${int(m.leaks)}**; by consent state: ${stateText} |
| Unexpected outcomes (status, stream, banner or \`</html>\` not as the route requires) | **${int(m.unexpected)}**${m.examples.length ? `: ${m.examples.slice(0, 5).join("; ")}` : ""} |
| 5xx | ${int(m.intended5xx + m.unintended5xx)}: **${int(m.unintended5xx)} unintended**; ${int(gate5xx)} intended 502/504 from the gatekeeper, ${int(m.originErrors5xx)} the origin's own 500/503 passed on with their status |
| Pages cut at the origin (reset mid-body) | ${int(m.cutAborted + m.cutTruncated)}: ${int(m.cutAborted)} aborted streams, ${int(m.cutTruncated)} streams that ended early without \`</html>\`; none complete |
| Retried | ${int(m.retried)} requests whose reused keep-alive connection was already closed${retries ? ` (${retries})` : ""} |
| Gatekeeper CPU | ${f(m.cpuPerRequest, 2)} ms per request (the short-timeout and closed-port gatekeepers not counted) |
| RSS | ${f(m.memory.startMiB, 0)} MiB at the start, ${f(m.memory.endMiB, 0)} MiB at the end, ${f(m.memory.minMiB, 0)}–${f(m.memory.maxMiB, 0)} throughout, peak (VmHWM) ${f(m.memory.peakMiB, 0)}; highest in the second half ${f(m.memory.secondHalfMaxMiB, 0)} against ${f(m.memory.firstHalfMaxMiB, 0)} in the first: **${v.flat ? "flat" : "not flat"}** |

RSS by requests done: ${samples}.

| route | the origin | requests | must give | statuses | cut streams | unexpected | leaks | p50 ms | p99 ms |
|---|---|---:|---|---|---:|---:|---:|---:|---:|
${routeRows}

${cutNotes(m, cutRoute)}- **RSS** is the whole workerd process, and the rule is the memory section's: the second half's
  highest RSS within 8 MiB (or 5 %) of the first half's. A fresh workerd's RSS climbs over its first
  tens of thousands of requests, healthy pages alone included, in steps as the heap grows, and
  levels off later; this gatekeeper ${fr.warmup ? `was warmed up with ${int(fr.warmup.requests)} requests` : "had served the runs above"} before the count began.
  To watch a longer run, or one fault alone: \`BENCH_FAULT_REQUESTS=40000 BENCH_FAULT_ROUTES=ok-20k,reset-mid
  npm run bench -- --only faults\`.

### A ${f(mb(l.bytesDirect), 0)} MB body

One page of ${int(l.bytesDirect)} bytes, generated while it streams (\`/fault/long\`; the origin never holds it),
with all the vendor tags near the start and again in its last 64 KB (${l.markersNearEnd} of ${l.markers} markers), through
the gatekeeper without consent, read as it arrives and scanned for markers across chunk boundaries.

| | |
|---|---|
| Status, stream | ${l.status}, ${l.complete ? "ended cleanly" : "**cut off**"}, ${l.endsWithMark ? "ends with the page's last line" : "**does not end with the page's last line**"} |
| Bytes | ${int(l.bytesDirect)} from the origin, ${int(l.bytesGate)} to the visitor (${l.bytesGate >= l.bytesDirect ? "+" : ""}${int(l.bytesGate - l.bytesDirect)}: tags removed, banner and footer added) |
| Markers | ${int(l.markerCountDirect)} occurrences of the ${l.markers} in the origin's page, **${l.leaks.length}** in the gatekeeper's${l.leaks.length ? `: ${l.leaks.join(", ")}` : ""} |
| Time | ${f(l.ms, 0)} ms (direct from the origin: ${f(l.directMs, 0)} ms); gatekeeper CPU ${f(l.cpuMs, 0)} ms |
| RSS | ${f(l.rssBeforeMiB, 0)} MiB before, at most ${f(l.rssMaxMiB, 0)} MiB during (${l.rssSamples} samples, every 50 ms), ${f(l.rssAfterMiB, 0)} MiB after, peak (VmHWM) ${f(l.peakMiB, 0)} MiB: **${v.longFlat ? "flat" : "not flat"}** (+${f(v.longGrowth, 1)} MiB for a ${f(mb(l.bytesDirect), 0)} MB body) |
`;
}

// ─── Hostile pages ──────────────────────────────────────────────────────────────────────────────

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

function hostileSection(r) {
  const rows = r.hostile
    .map(
      (h) =>
        `| ${h.page} | ${h.variant} | ${f(h.cpuPerRequest, 1)} | ${f(h.ms, 0)} | ${h.status} | ${int(h.bytesOut)} | ${h.bytesOut < h.inputBytes ? `cut off at ${f((100 * h.bytesOut) / h.inputBytes, 0)} % of ${int(h.inputBytes)}` : "complete"}${h.complete ? "" : ` (${h.error})`}${h.runtimeErrors.length ? `; workerd: ${h.runtimeErrors.join("; ")}` : ""} |`,
    )
    .join("\n");
  return `## Hostile pages

100,000 \`<a></b>\` pairs (700 KB) and 40,000 nested \`<div>\` (440 KB), ${r.config.HOSTILE_REPEATS} requests one at a time.

| page | variant | CPU ms/req | wall ms | status | bytes out | body |
|---|---|---:|---:|---:|---:|---|
${rows}

${hostileNote(r)}
`;
}

// ─── What HTMLRewriter costs ────────────────────────────────────────────────────────────────────

/** Each call from lol-html into JavaScript, in ms: one handler on every script against one on body. */
function anatomyPerCallMs(anatomy, scripts) {
  const get = (id) => anatomy.cpu.find((r) => r.page === "page-200k" && r.id === id);
  return (get("rw-script").cpuMs - get("rw-body").cpuMs) / Math.max(1, scripts.all - 1);
}

/**
 * The gatekeeper's CPU above the floor in the anatomy run, split by the rows measured beside it:
 * what the platform minimum forces, what reading every element's attributes adds, what its own
 * selectors and calls add with no-op handlers, and the work inside its handlers.
 */
export function anatomySplit(page) {
  const above = (id) => page.find((r) => r.id === id)?.aboveFloorMs;
  const [min, attrs, selectors, gk] = ["rw-inline-text", "rw-inline-attrs", "rw-gk-selectors", "gk-none"].map(above);
  if ([min, attrs, selectors, gk].some((v) => v === undefined)) return "";
  const share = (ms) => `${f(ms, 2)} ms (${f((100 * ms) / gk, 0)} %)`;
  return `
- **Where the gatekeeper's miss goes** (no consent, this page, ${f(gk, 2)} ms above the floor in this run):
  the platform minimum ${share(min)}; reading every element's attributes, which judging \`style\` and
  event-handler attributes on any element needs, ${share(attrs - min)}; the gatekeeper's own
  selectors and calls with no-op handlers ${share(selectors - attrs)}; the work inside its handlers
  (reading and judging inline scripts, URLs, the injections) ${share(gk - selectors)}. The first two
  are what HTMLRewriter charges any gatekeeper that judges every element; against their sum the
  gatekeeper is ${f(gk / attrs, 2)}×.`;
}

/** The report section: what the runtime charges before the gatekeeper does anything. */
function anatomySection(anatomy, scripts) {
  const page = anatomy.cpu.filter((r) => r.page === "page-200k");
  const hostile = anatomy.cpu.filter((r) => r.page === "hostile-ab");
  const perCall = anatomyPerCallMs(anatomy, scripts);
  const floorLoad = anatomy.load.find((x) => x.id === "floor");
  const ratio = (id) => (anatomy.load.find((x) => x.id === id).rps / floorLoad.rps).toFixed(2);
  return `## What HTMLRewriter costs before the gatekeeper does anything

Minimal workers, each doing one thing the gatekeeper must do, on the same 200 KB page (${scripts.all} \`<script>\`
elements, ${scripts.inline} of them inline), one request at a time, CPU of each workerd process from \`/proc\`:

| worker | CPU ms/req | above floor |
|---|---:|---:|
${page.map((r) => `| ${r.label} | ${f(r.cpuMs, 2)} | ${r.id === "floor" ? "–" : f(r.aboveFloorMs, 2)} |`).join("\n")}

Throughput at 10 connections, ${anatomy.load[0]?.p50s.length ?? 0} alternating rounds:

| worker | req/s | × floor | p50 ms | × floor |
|---|---:|---:|---:|---:|
${anatomy.load.map((x) => `| ${x.label} | ${x.rps.toFixed(0)} | ${(x.rps / floorLoad.rps).toFixed(2)} | ${x.p50.toFixed(2)} | ${(x.p50 / floorLoad.p50).toFixed(2)} |`).join("\n")}

The 100,000 \`<a></b>\` pairs:

| worker | CPU ms/req | bytes out |
|---|---:|---:|
${hostile.map((r) => `| ${r.label} | ${f(r.cpuMs, 2)} | ${r.bytes.toLocaleString("en")}${r.complete === false ? " (cut)" : ""} |`).join("\n")}

What this says about the targets:
${anatomySplit(page)}
- Each call from lol-html into JavaScript costs about ${(perCall * 1000).toFixed(0)} µs in workerd (one handler on every
  \`script\` against one on \`body\`), whatever the handler does. The gatekeeper's cost is mostly the
  number of such calls: it matches every URL attribute natively and calls JavaScript only for
  values that can leave the site, but an inline script can only be judged by reading its text,
  which lol-html hands over in at least two calls (the text, then an empty last chunk).
- An attribute selector on any element (\`[background]\`, \`[ping]\`, a vendor's \`[class*=…]\`) makes
  lol-html parse every element's attributes, once for all such selectors.
- With no handler at all HTMLRewriter reaches ${ratio("rw-empty")}× the floor's throughput on this 2-core machine
  (where the load generator, the origin and workerd share the CPU), and ${ratio("rw-body")}× with a single
  handler: ${Number(ratio("rw-empty")) < 0.9 ? "a 0.9× target is beyond" : "a 0.9× target is at the edge of"} what any HTMLRewriter-based gatekeeper can reach
  here before it removes anything, so CPU per request above the floor is the figure to compare.
- The \`<a></b>\` page costs lol-html itself that much as soon as any element handler exists (it then
  tracks open elements, and every \`<a>\` stays open), until the stream ends in an error and the page is
  cut, which fails closed. No selector of ours changes it.
`;
}

// ─── In a real browser ──────────────────────────────────────────────────────────────────────────

function browserSection(b) {
  const p = b.phone;
  const rows = b.variants
    .map(
      (v) =>
        `| ${v.label} | **${f(v.fcp, 0)}** | **${f(v.lcp, 0)}** | **${f(v.tbt, 0)}** | ${f(v.loadMs, 0)} | ${f(v.vendorRequests, 0)} | ${v.banner ? "yes" : "no"} | ${v.lcpElements.map((e) => `\`${e}\``).join(", ")} |`,
    )
    .join("\n");
  const stubs = b.stubs
    .map((s) => `| ${s.name} | ${s.bytes ? int(s.bytes) : "–"} | ${s.execMs || "–"} | ${s.source} |`)
    .join("\n");
  const byId = Object.fromEntries(b.variants.map((v) => [v.id, v]));
  const loaded = byId.none?.vendorsLoaded.join(", ");
  return `## Against what sites use instead, in a real browser

The demo page (\`demo/site/index.html\`, served by the bench origin) in Chromium, three ways, ${b.runs} run${b.runs === 1 ? "" : "s"}
of each, interleaved, every run in a fresh browser context (empty cache, no cookies, no consent):
behind the gatekeeper; straight from the origin with a client-side consent manager holding the
same tags back (vanilla-cookieconsent, configured as its documentation says, see
scripts/bench/cmp-page.mjs); straight from the origin with no consent tool. Medians, in ms from
navigation start.

| | first contentful paint | largest contentful paint | total blocking time | load event | vendor requests | consent UI shown | LCP element |
|---|---:|---:|---:|---:|---:|---|---|
${rows}

- **Metrics** as web-vitals defines them: FCP is the \`first-contentful-paint\` paint entry, LCP
  the last \`largest-contentful-paint\` entry (the visitor never interacts), both from a
  PerformanceObserver registered before the page's own code; TBT is the sum, over the long tasks
  that start after FCP, of each one's time beyond 50 ms, until the network has been quiet for
  0.5 s.
- **The phone**: CPU slowed ${p.cpuSlowdown}× (\`Emulation.setCPUThrottlingRate\`), and the network of Lighthouse's
  mobile profile through \`Network.emulateNetworkConditions\`: ${f(p.latencyMs, 1)} ms added to each request,
  ${f(p.downloadKbps, 0)} kbit/s down, ${f(p.uploadKbps, 0)} kbit/s up (Lighthouse \`mobileSlow4G\`, devtools throttling:
  150 ms RTT × 3.75, 1.6 Mbit/s × 0.9); a ${p.viewport.width}×${p.viewport.height} touch screen at ${p.deviceScaleFactor}×.
- **Vendors are local stubs** (scripts/bench/browser-stubs.mjs): each answers after the emulated
  network's latency plus its transfer time (Chromium does not throttle answers that request
  interception fulfils), about the vendor's real size, and runs for about the vendor's real
  main-thread time on a phone, as one task. Without any consent tool the page loaded: ${loaded || "–"}.

| stub | bytes | main thread, ms | source |
|---|---:|---:|---|
${stubs}

Sources: Lighthouse \`core/config/constants.js\` (https://github.com/GoogleChrome/lighthouse); third-party-web's
HTTP Archive data, \`averageScriptExecutionTime\` per script for *.googletagmanager.com and
*.intercomcdn.com (https://github.com/patrickhulce/third-party-web, data/2026-03-01-entity-scripting.json);
script sizes of Google Tag Manager (85 KB) and Google Analytics (45 KB) from
https://www.consentmark.com/tags/google-tag-manager and https://www.consentmark.com/tags/google-analytics;
Intercom's Messenger bundle, "almost 600 kb of gzipped JavaScript", then 65 % smaller
(https://www.intercom.com/blog/reducing-intercom-messenger-bundle-size/). Where no figure was
found the stub costs only its request, which flatters the page without a consent tool.

What the consent manager leaves: it holds back scripts only. The page still carries its
\`preconnect\` and \`dns-prefetch\` hints to the vendors' hosts, so the browser opens connections to
them before any consent (here those fail at once: nothing resolves but loopback); the gatekeeper
removes those hints with the tags. The consent manager's own script and stylesheet are requests
the gatekeeper's server-rendered banner does not need.
`;
}

// ─── Streaming, banner ──────────────────────────────────────────────────────────────────────────

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

function streamingSection(r) {
  const rows = r.streaming
    .map(
      (s) =>
        `| ${s.origin} | ${s.variant} | ${s.acceptEncoding} | ${s.contentEncoding} | ${f(s.head, 0)} | ${f(s.firstByte, 0)} | **${f(s.firstDecoded, 0)}** | ${f(s.end, 0)} |`,
    )
    .join("\n");
  return `## Streaming

The origin sends the page's \`<head>\` (about 2 KB), waits 2 s, then sends the rest (200 KB): one
origin gzips when asked (and flushes after the head), the other never compresses. Times in ms from
sending the request, median of ${r.config.STREAM_TRIALS}; "first HTML" is the first byte after gunzip.

| origin | variant | client Accept-Encoding | answer | head | first byte | first HTML | end |
|---|---|---|---|---:|---:|---:|---:|
${rows}

${streamingNote(r)}
`;
}

function bannerSection(b) {
  return `## Consent banner size

The banner a no-consent visitor gets (\`<style data-gatekeeper>\` plus
\`<div data-gatekeeper id="gk-banner">\`, lang ${b.lang}), cut from a page served by the gatekeeper:
${int(b.rawBytes)} bytes, **${int(b.gzipBytes)} bytes gzipped** (level 6; ${int(b.gzip9Bytes)} at level 9).
`;
}

// ─── The whole report ───────────────────────────────────────────────────────────────────────────

/** docs/BENCHMARKS.md (or a partial run's report): each section only when its phase ran. */
export function renderReport(r) {
  const sections = [
    machineSection(r),
    r.checks && methodSection(r),
    targetsSection(r),
    r.matrix && minimumSection(r),
    r.matrix && historySection(r),
    r.calls && callsSection(r),
    r.matrix && throughputSection(r),
    r.browser && browserSection(r.browser),
    r.flatness && memorySection(r),
    r.faults && faultsSection(r.faults),
    r.hostile && hostileSection(r),
    r.anatomy && anatomySection(r.anatomy, r.scriptCounts),
    r.streaming && streamingSection(r),
    r.banner && bannerSection(r.banner),
  ].filter(Boolean);
  return `# Benchmarks

${notice(r)}Generated by \`npm run bench\` (scripts/bench/, see its README) on ${r.startedAt}; do not edit by hand.
The run took ${f(r.seconds, 0)} s.${r.only ? ` Only the phases ${r.only.join(", ")} ran.` : ""}

${sections.join("\n")}`;
}

// ─── docs/DEPLOY.md: plans and costs ────────────────────────────────────────────────────────────

export const PLANS_START = "<!-- bench:plans:start -->";
export const PLANS_END = "<!-- bench:plans:end -->";

/** Workers plan limits and prices, as Cloudflare's documentation states them (cited in the block). */
const FREE_CPU_MS = 10;

/**
 * The generated part of DEPLOY.md's "Plans and costs": CPU per request by page and consent state
 * (a single visitor's request, the gatekeeper's own CPU above the floor), which plan that needs,
 * and what it costs; what the cache saves once it can be measured.
 */
export function renderPlans(r) {
  const conns = r.config.CONNECTIONS.includes(1) ? 1 : loadConnections(r);
  const above = (page, id) => {
    const c = cell(r, page, conns, id);
    const floor = cell(r, page, conns, "floor");
    return c && floor ? c.cpuPerRequest - floor.cpuPerRequest : Number.NaN;
  };
  const pages = Object.keys(PAGE_LABEL);
  const rows = pages.map((page) => {
    const costs = GATE_STATES.map((id) => above(page, id));
    const worst = Math.max(...costs);
    const plan =
      worst <= FREE_CPU_MS
        ? `Free fits (worst ${f(worst, 1)} ms ≤ 10 ms)`
        : `**Paid**: ${f(worst, 1)} ms is over the Free plan's 10 ms`;
    return `| ${PAGE_LABEL[page]} | ${costs.map((x) => f(x, 1)).join(" | ")} | ${f(above(page, "minimum"), 1)} | ${plan} |`;
  });
  const hit = r.variants?.find((v) => v.role === "cacheHit");
  const cacheRow = hit
    ? `| What the cache saves (no consent, a cache hit against a miss) | ${pages.map((page) => `${PAGE_LABEL[page]}: ${f(above(page, hit.id), 1)} ms against ${f(above(page, "gk-none"), 1)} ms`).join("; ")} |`
    : "| What the cache saves | measured once the consent-bucket cache exists: the bench then adds its hit path as one more variant (scripts/bench/variants.mjs) and this row shows the CPU of a hit against a miss |";
  const page200 = Math.max(...GATE_STATES.map((id) => above("page-200k", id)));
  const { short, loaded } = provenance(r);
  return `${PLANS_START}
<!-- Generated by npm run bench (scripts/bench/report.mjs) on ${r.startedAt}; do not edit by hand. -->
${
  short.length || loaded
    ? `> **Not a result**: generated from ${short.length ? "a short run" : "a run"}${loaded ? " on a loaded machine" : ""}; see docs/BENCHMARKS.md.\n\n`
    : ""
}CPU time per request that the gatekeeper adds, in ms, by page size and consent state: one
request at a time, the gatekeeper's workerd process against the pass-through floor's on the same
page (docs/BENCHMARKS.md, "Throughput, latency, CPU and memory"). Cloudflare counts the time
spent executing code, not time spent waiting on the network, so the floor's own cost (HTTP in and
out) is left out. Measured on the bench's machine (${r.machine.cpu}); Cloudflare's machines differ,
so leave headroom. The platform minimum is what any HTMLRewriter-based gatekeeper pays (a no-op
handler on inline scripts).

| page | no consent | analytics only | all consent | platform minimum | plan |
|---|---:|---:|---:|---:|---|
${rows.join("\n")}

| | |
|---|---|
| Workers Free | 10 ms of CPU per invocation; a request that needs more ends in error 1102 ("Worker exceeded resource limits") |
| Workers Paid (Standard) | 30 s of CPU per HTTP request by default, up to 5 minutes with \`limits.cpu_ms\` in \`wrangler.toml\`; 30 million CPU-ms a month included, then $0.02 per million CPU-ms, besides 10 million requests included, then $0.30 per million |
| A million views of the 200 KB page | about ${f(page200, 1)} million CPU-ms in the costliest consent state (${f(page200 * 0.02, 2)} USD once the included CPU-ms are spent) |
${cacheRow}

Sources: https://developers.cloudflare.com/workers/platform/limits/ (CPU time: Free 10 ms, Paid
5 min), https://developers.cloudflare.com/changelog/2025-03-25-higher-cpu-limits/ (30 s by default,
\`cpu_ms\` up to 300,000), https://developers.cloudflare.com/workers/platform/pricing/ (Standard
usage model prices),
https://developers.cloudflare.com/support/troubleshooting/http-status-codes/cloudflare-1xxx-errors/error-1102
(error 1102; network time is not CPU time).
${PLANS_END}`;
}

/** `text` (DEPLOY.md) with the block between the markers replaced by `block` (markers included). */
export function replacePlans(text, block) {
  const start = text.indexOf(PLANS_START);
  const end = text.indexOf(PLANS_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`no ${PLANS_START} … ${PLANS_END} block to write the plans into`);
  return text.slice(0, start) + block + text.slice(end + PLANS_END.length);
}
