// The fault phase of `npm run bench` ("Under load"): FAULT_REQUESTS requests at
// FAULT_CONNECTIONS connections through the gatekeeper (the deploy bundle run.mjs serves), mixing
// consent states, healthy pages and origin faults (the bench origin's /fault/ routes,
// fault-routes.mjs). Every response is read to its end and checked: its status, and whether its
// stream ended or was cut, against what the route must give; no marker of a refused vendor
// anywhere in the body. The gatekeeper's workerd RSS is sampled throughout. Then one page of
// about 50 MB, generated while it streams, goes through without consent, RSS sampled.
//
// The shipped site policy waits 30 s for the origin (origin.timeoutMs), far too long for a load
// run, so the "no answer" route goes to a second gatekeeper, built the way the deploy build does
// (wrangler deploy --dry-run) from a copy of the project whose site policy says FAULT_TIMEOUT_MS
// instead; nothing else differs. "Connection refused" goes to a third, whose ORIGIN is a closed port.
//
//   BENCH_FAULT_REQUESTS=10000 BENCH_FAULT_CONNECTIONS=20 BENCH_FAULT_SECONDS=90
//   BENCH_FAULT_TIMEOUT_MS=1000 BENCH_LONG_BYTES=50000000
//   BENCH_FAULT_ROUTES=ok-20k,reset-mid   only these routes of the mix (to look at one fault)
//
// Measuring only: each response is judged by leak-judge.mjs (the rule the workerd fault tests
// use too), and report.mjs renders what this returns.
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { brotliDecompressSync, constants, gunzipSync } from "node:zlib";
import { parse as parseYaml } from "yaml";
import { DRIP_CHUNKS, DRIP_MS, RESET_AFTER } from "./fault-routes.mjs";
import { judgeBody } from "./leak-judge.mjs";
import { allMarkers, leakMarkers, MARKERS, SHARED_MARKER } from "./markers.mjs";
import { cpuMs, memory, resetPeak, rssSummary } from "./proc.mjs";
import { percentile } from "./stats.mjs";
import { purposes } from "./variants.mjs";
import { buildEditedBundle, serveWorker } from "./workers.mjs";

const env = (name, fallback) => Number(process.env[name] ?? fallback);
export const FAULT_REQUESTS = env("BENCH_FAULT_REQUESTS", 10_000);
export const FAULT_CONNECTIONS = env("BENCH_FAULT_CONNECTIONS", 20);
/** The mix stops issuing requests after this long, whatever is left. */
export const FAULT_SECONDS = env("BENCH_FAULT_SECONDS", 90);
export const FAULT_TIMEOUT_MS = env("BENCH_FAULT_TIMEOUT_MS", 1000);
export const LONG_BYTES = env("BENCH_LONG_BYTES", 50_000_000);
/**
 * Mix requests before the measured ones, checked like them. A fresh isolate's RSS grows for its
 * first ~15,000 requests of any kind (healthy ones alike) before it levels off, and steps up again
 * the first time it meets a higher concurrency: the throughput runs before this phase use 10
 * connections, this one 20. So the measured 10,000 start after 10,000 of the same mix, in the full
 * run as with --only faults.
 */
const FAULT_WARMUP = process.env.BENCH_FAULT_WARMUP === undefined ? undefined : env("BENCH_FAULT_WARMUP", 0);
/** A response that takes longer than this is given up on by the client (and counted). */
const CLIENT_TIMEOUT_MS = 20_000;
/** Share of requests that ask for gzip, like browsers (Miniflare's entry worker then compresses). */
const GZIP_CLIENT_SHARE = 0.25;

/**
 * The mix, in requests per 10,000. `origin` is what the origin does on that route; `expect` is what
 * the visitor must get: the status, and a `complete` page or one that is `cut` short (the reset
 * mid-body: never a complete page).
 */
const ok = (status = 200) => ({ status, body: "complete" });
const cut = (status) => ({ status, body: "cut" });
/** `via`: the gatekeeper the route goes through (the deploy bundle, unless named). */
const route = (id, path, weight, label, origin, expect = ok(), via = "gate") => ({
  id,
  path,
  weight,
  label,
  origin,
  expect,
  via,
});
export const ROUTES = [
  route("ok-20k", "/fault/ok/20k", 4000, "20 KB page", "20 KB page, Content-Length"),
  route("ok-200k", "/fault/ok/200k", 500, "200 KB page", "200 KB page, Content-Length"),
  route("gzip", "/fault/gzip/20k", 1000, "20 KB page, gzip", "20 KB page, gzip"),
  route("br", "/fault/br/20k", 600, "20 KB page, br", "20 KB page, br"),
  route("asset", "/fault/asset.js", 800, "JavaScript (not rewritten)", "text/javascript"),
  route("404", "/fault/status/404", 700, "HTML 404", "small HTML page, status 404", ok(404)),
  route("500", "/fault/status/500", 400, "HTML 500", "small HTML page, status 500", ok(500)),
  route("503", "/fault/status/503", 300, "HTML 503", "small HTML page, status 503", ok(503)),
  route("drip", "/fault/drip/20k", 150, "slow drip (20 KB over 0.8 s)", "20 KB page in 40 pieces, 20 ms apart"),
  route(
    "reset-mid",
    "/fault/reset-mid/20k",
    500,
    "reset mid-body",
    "head and 8 KB of the page, then a TCP reset",
    cut(200),
  ),
  route("reset-before", "/fault/reset-before", 300, "reset before the head", "TCP reset before any response", ok(502)),
  route("deflate", "/fault/enc/deflate", 100, "Content-Encoding: deflate", "HTML, Content-Encoding: deflate", ok(502)),
  route("zstd", "/fault/enc/zstd", 100, "Content-Encoding: zstd", "HTML, Content-Encoding: zstd", ok(502)),
  route(
    "x-bogus",
    "/fault/enc/x-bogus",
    100,
    "Content-Encoding: x-bogus",
    "raw HTML, Content-Encoding: x-bogus",
    ok(502),
  ),
  route(
    "gzip-br",
    "/fault/enc/gzip-br",
    100,
    "Content-Encoding: gzip, br",
    "HTML, Content-Encoding: gzip, br",
    ok(502),
  ),
  // Through the gatekeeper built with the short origin timeout.
  route("timeout", "/fault/hang", 150, "no answer", "never answers", ok(504), "timeout"),
  // Through the gatekeeper whose ORIGIN is a closed port.
  route("refused", "/fault/ok/20k", 200, "connection refused", "nothing listens (closed port)", ok(502), "refused"),
];

/** The consent states of the mix, each with the purposes it refuses. */
export function consentStates(consentCookie) {
  const all = purposes().map((p) => p.id);
  const required = purposes()
    .filter((p) => p.required)
    .map((p) => p.id);
  const optional = all.filter((p) => !required.includes(p));
  const valid = consentCookie(all);
  const name = valid.slice(0, valid.indexOf("="));
  const value = valid.slice(name.length + 1);
  return [
    { id: "none", label: "no cookie", cookies: [null], refuses: optional, banner: true },
    { id: "all", label: "all consent", cookies: [valid], refuses: [], banner: false },
    {
      id: "analytics",
      label: "analytics only",
      cookies: [consentCookie([...required, "analytics"])],
      refuses: optional.filter((p) => p !== "analytics"),
      banner: false,
    },
    {
      id: "garbled",
      label: "garbled cookie",
      // All consent, mangled three ways (a stray character, cut short, base64 junk): each must
      // count as no consent at all.
      cookies: [
        `${name}=${value.slice(0, -6)}$${value.slice(-5)}`,
        `${name}=${value.slice(0, value.indexOf("-") + 5)}`,
        `${name}=${Buffer.from(value).toString("base64")}`,
      ],
      refuses: optional,
      banner: true,
    },
    {
      id: "withdrawn",
      label: "withdrawn (necessary only)",
      cookies: [consentCookie(required)],
      refuses: optional,
      banner: false,
    },
  ];
}

/** The site policy with another origin timeout, checked by parsing it back. */
function withTimeout(text, timeoutMs) {
  const changed = text.replace(/^(origin:\r?\n[ \t]+timeoutMs:[ \t]*)\d+/m, `$1${timeoutMs}`);
  if (parseYaml(changed)?.origin?.timeoutMs !== timeoutMs)
    throw new Error("policies/sites/default.yaml: could not set origin.timeoutMs (no `origin:\\n  timeoutMs: n`)");
  return changed;
}

/** The deploy bundle, built from a copy of the project whose site policy has a short timeout. */
export function buildFaultBundle(tmp, timeoutMs = FAULT_TIMEOUT_MS) {
  return buildEditedBundle(tmp, "fault", (text) => withTimeout(text, timeoutMs));
}

/** A port nothing listens on (bound once, then closed). */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** mulberry32: the same mix on every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Only these routes (comma-separated ids), to look at one fault alone. */
const ONLY_ROUTES = process.env.BENCH_FAULT_ROUTES?.split(",");

/** `total` requests: each route its weight's share, shuffled, each with a consent state. */
function schedule(total, states, seed = 9) {
  const rnd = random(seed);
  const routes = ROUTES.filter((r) => !ONLY_ROUTES || ONLY_ROUTES.includes(r.id));
  const weightSum = routes.reduce((a, r) => a + r.weight, 0);
  const list = [];
  for (const route of routes) {
    const n = Math.round((route.weight / weightSum) * total);
    for (let i = 0; i < n; i++) list.push({ route });
  }
  while (list.length > total) list.pop();
  while (list.length < total) list.push({ route: routes[0] });
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  // Consent states round-robin over the shuffled list: each route meets every state alike.
  return list.map((item, i) => {
    const state = states[i % states.length];
    const cookie = state.cookies[Math.floor(i / states.length) % state.cookies.length];
    return { ...item, state, cookie, gzip: rnd() < GZIP_CLIENT_SHARE };
  });
}

/**
 * One GET on a keep-alive agent, read to the end or to where the stream broke. `aborted`: the
 * response started but its body did not end cleanly. `tag` marks the connection with what it
 * carried last.
 */
function fireOnce(agent, url, headers, tag) {
  return new Promise((resolve) => {
    const start = performance.now();
    const chunks = [];
    let settled = false;
    let socket;
    const done = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, ms: performance.now() - start, body: Buffer.concat(chunks) });
    };
    const req = request(url, { agent, headers }, (res) => {
      res.on("data", (c) => chunks.push(c));
      res.on("error", () => {});
      res.on("close", () => {
        if (socket) socket.lastTag = tag;
        done({
          status: res.statusCode,
          encoding: res.headers["content-encoding"] ?? "identity",
          aborted: !res.complete,
        });
      });
    });
    req.on("socket", (s) => {
      socket = s;
    });
    const timer = setTimeout(() => {
      req.destroy(new Error("client timeout"));
      done({ status: 0, error: "client timeout", aborted: true });
    }, CLIENT_TIMEOUT_MS);
    req.on("error", (error) =>
      done({
        status: 0,
        error: error.code ?? error.message,
        aborted: true,
        reused: req.reusedSocket,
        previous: socket?.lastTag,
      }),
    );
    req.end();
  });
}

/**
 * fireOnce, and again (up to 3 times) when a reused keep-alive connection turned out to be closed before
 * anything came back, as browsers (and Node's documentation) do: the server may close an idle
 * connection just as the client sends on it. `retriedAfter`: what that connection carried last.
 */
async function fire(agent, url, headers, tag) {
  let retriedAfter;
  for (let attempt = 0; ; attempt++) {
    const res = await fireOnce(agent, url, headers, tag);
    // `previous`: the connection had carried a response before, whatever reusedSocket says.
    const reused = res.reused || res.previous !== undefined;
    if (res.status !== 0 || !reused || res.body.length || attempt === 3) return { ...res, retriedAfter };
    retriedAfter = res.previous ?? "?";
  }
}

/** The body as the visitor's browser would read it: gunzipped, as far as it got. */
function decode(body, encoding) {
  try {
    if (encoding === "gzip") return gunzipSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
    if (encoding === "br") return brotliDecompressSync(body, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
    return body;
  } catch {
    return null;
  }
}

/**
 * What went wrong with one response, if anything, and which refused vendors' markers it carries:
 * leak-judge.mjs on the decoded body, plus what only this mix knows (status, decoding, banner).
 */
function judge(item, res) {
  const { route, state } = item;
  const decoded = res.body.length ? decode(res.body, res.encoding) : res.body;
  const text = decoded === null ? res.body.toString("latin1") : decoded.toString("latin1");
  const cut = route.expect.body === "cut";
  // Whole pages are judged by their `</html>`: HTML the route answers with its own status.
  const html = route.id !== "asset" && route.expect.status < 502 && res.status === route.expect.status;
  const verdict = judgeBody({
    text,
    aborted: res.status !== 0 && res.aborted,
    expect: route.expect.body,
    refused: leakMarkers(state.refuses),
    end: html ? "</html>" : null,
  });
  const problems = [];
  if (res.status === 0) problems.push(`no response (${res.error})`);
  else {
    if (res.status !== route.expect.status) problems.push(`status ${res.status}`);
    if (decoded === null && !res.aborted) problems.push(`${res.encoding} body does not decode`);
    problems.push(...verdict.problems);
  }
  // Consent: the banner shows exactly when there is no valid choice (a garbled cookie is none).
  if (html && !cut && !res.aborted) {
    const banner = text.includes('id="gk-banner"');
    if (banner !== state.banner) problems.push(banner ? "banner despite consent" : "no banner without consent");
  }
  return { problems, leaks: verdict.leaks, bytes: text.length, truncated: verdict.truncated && res.status === 200 };
}

function emptyStats() {
  return {
    requests: 0,
    statuses: {},
    aborted: 0,
    truncated: 0,
    retried: 0,
    leaks: 0,
    unexpected: 0,
    problems: {},
    ms: [],
    bytes: 0,
  };
}

function count(stats, res, verdict) {
  stats.requests++;
  const key = res.status === 0 ? `none (${res.error})` : String(res.status);
  stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
  if (res.aborted && res.status !== 0) stats.aborted++;
  if (verdict.truncated) stats.truncated++;
  if (res.retriedAfter) stats.retried++;
  if (verdict.leaks.length) stats.leaks++;
  if (verdict.problems.length) stats.unexpected++;
  for (const p of verdict.problems) stats.problems[p] = (stats.problems[p] ?? 0) + 1;
  stats.ms.push(res.ms);
  stats.bytes += verdict.bytes;
}

/** The mix itself: `items` at `connections` at a time, RSS of `pid` sampled every 250 ms. */
async function runMix({ items, connections, urls, pid, seconds, log }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const byRoute = Object.fromEntries(ROUTES.map((r) => [r.id, emptyStats()]));
  const byState = {};
  const examples = [];
  const leakExamples = [];
  const retriesAfter = {};
  let next = 0;
  let done = 0;
  let stopped = false;
  const t0 = performance.now();
  const at = () => (performance.now() - t0) / 1000;
  resetPeak(pid);
  const cpu0 = cpuMs(pid);
  const samples = [{ done: 0, seconds: 0, rssMiB: memory(pid).rssMiB }];
  const sampler = setInterval(() => samples.push({ done, seconds: at(), rssMiB: memory(pid).rssMiB }), 250);
  const stopTimer = setTimeout(() => {
    stopped = true;
  }, seconds * 1000);
  let lastLog = 0;
  const worker = async () => {
    while (!stopped && next < items.length) {
      const item = items[next++];
      const headers = {};
      if (item.cookie) headers.cookie = item.cookie;
      headers["accept-encoding"] = item.gzip ? "gzip" : "identity";
      const url = urls[item.route.via] + item.route.path;
      const res = await fire(agent, url, headers, item.route.id);
      if (res.retriedAfter) retriesAfter[res.retriedAfter] = (retriesAfter[res.retriedAfter] ?? 0) + 1;
      const verdict = judge(item, res);
      count(byRoute[item.route.id], res, verdict);
      byState[item.state.id] ??= { requests: 0, leaks: 0, unexpected: 0 };
      byState[item.state.id].requests++;
      if (verdict.leaks.length) byState[item.state.id].leaks++;
      if (verdict.problems.length) byState[item.state.id].unexpected++;
      if (verdict.problems.length && examples.length < 10)
        examples.push(
          `${item.route.id} ${item.state.id}${item.gzip ? " gzip" : ""}: ${verdict.problems.join(", ")}` +
            (res.status === 0 ? ` (${res.reused ? "reused" : "new"} connection, last carried ${res.previous})` : ""),
        );
      if (verdict.leaks.length && leakExamples.length < 10)
        leakExamples.push(`${item.route.id} ${item.state.id}: ${verdict.leaks.join(", ")}`);
      done++;
      if (at() - lastLog >= 10) {
        lastLog = at();
        log(
          `faults: ${done} of ${items.length} (${(done / at()).toFixed(0)}/s), RSS ${memory(pid).rssMiB.toFixed(0)} MiB`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  clearInterval(sampler);
  clearTimeout(stopTimer);
  agent.destroy();
  const seconds_ = at();
  const end = memory(pid);
  samples.push({ done, seconds: seconds_, rssMiB: end.rssMiB });
  const routes = ROUTES.map((r) => {
    const s = byRoute[r.id];
    const ms = s.ms.sort((a, b) => a - b);
    return {
      id: r.id,
      label: r.label,
      path: r.path,
      origin: r.origin,
      via: r.via,
      expect: r.expect,
      requests: s.requests,
      statuses: s.statuses,
      aborted: s.aborted,
      truncated: s.truncated,
      retried: s.retried,
      leaks: s.leaks,
      unexpected: s.unexpected,
      problems: s.problems,
      p50: percentile(ms, 50),
      p99: percentile(ms, 99),
      bytesPerResponse: s.requests ? s.bytes / s.requests : 0,
    };
  });
  const fivexx = (r, intended) =>
    Object.entries(r.statuses)
      .filter(([k]) => /^5\d\d$/.test(k) && (Number(k) === r.expect.status) === intended)
      .reduce((a, [, n]) => a + n, 0);
  return {
    target: items.length,
    requests: done,
    seconds: seconds_,
    rps: done / seconds_,
    cpuPerRequest: (cpuMs(pid) - cpu0) / done,
    routes,
    states: byState,
    leaks: routes.reduce((a, r) => a + r.leaks, 0),
    unexpected: routes.reduce((a, r) => a + r.unexpected, 0),
    intended5xx: routes.reduce((a, r) => a + fivexx(r, true), 0),
    unintended5xx: routes.reduce((a, r) => a + fivexx(r, false), 0),
    originErrors5xx: routes
      .filter((r) => r.expect.status === 500 || r.expect.status === 503)
      .reduce((a, r) => a + fivexx(r, true), 0),
    aborted: routes.reduce((a, r) => a + r.aborted, 0),
    cutAborted: routes.filter((r) => r.expect.body === "cut").reduce((a, r) => a + r.aborted, 0),
    cutTruncated: routes.filter((r) => r.expect.body === "cut").reduce((a, r) => a + r.truncated, 0),
    retried: routes.reduce((a, r) => a + r.retried, 0),
    retriesAfter,
    examples,
    leakExamples,
    memory: rssSummary(samples, end),
  };
}

/** Occurrences of each marker in a stream read chunk by chunk (matches across chunks count). */
function markerScanner(markers) {
  const longest = Math.max(...markers.map((m) => m.length));
  const found = Object.fromEntries(markers.map((m) => [m, { count: 0, first: -1, last: -1 }]));
  let carry = "";
  let offset = 0;
  return {
    push(chunk) {
      const text = carry + chunk.toString("latin1");
      const base = offset - carry.length;
      for (const m of markers) {
        for (let i = text.indexOf(m); i !== -1; i = text.indexOf(m, i + 1)) {
          if (i + m.length <= carry.length) continue;
          const f = found[m];
          f.count++;
          if (f.first === -1) f.first = base + i;
          f.last = base + i;
        }
      }
      offset += chunk.length;
      carry = text.slice(-(longest - 1));
    },
    found,
  };
}

/** One long GET, streamed and scanned, never held whole; RSS of `pid` sampled every 50 ms. */
function streamLong(url, headers, markers, pid) {
  return new Promise((resolve, reject) => {
    const scan = markerScanner(markers);
    const rss = [];
    const sampler = pid ? setInterval(() => rss.push(memory(pid).rssMiB), 50) : null;
    const start = performance.now();
    let bytes = 0;
    let tail = "";
    const req = request(url, { headers, agent: false }, (res) => {
      res.on("data", (c) => {
        bytes += c.length;
        scan.push(c);
        tail = (tail + c.toString("latin1")).slice(-200);
      });
      res.on("error", () => {});
      res.on("close", () => {
        if (sampler) clearInterval(sampler);
        resolve({
          status: res.statusCode,
          complete: res.complete,
          bytes,
          ms: performance.now() - start,
          found: scan.found,
          tail,
          rss,
        });
      });
    });
    req.on("error", (error) => {
      if (sampler) clearInterval(sampler);
      reject(error);
    });
    req.end();
  });
}

/** The long page direct from the origin, then through the gatekeeper without consent. */
async function longPage({ originUrl, gateUrl, pid, log }) {
  const markers = allMarkers();
  const url = `/fault/long?bytes=${LONG_BYTES}`;
  const direct = await streamLong(originUrl + url, {}, markers, null);
  const missing = markers.filter((m) => direct.found[m].count === 0);
  if (direct.status !== 200 || !direct.complete || missing.length)
    throw new Error(`long page from the origin: ${direct.status}, complete ${direct.complete}, lacks ${missing}`);
  // Vendor tags near the start and near the end: the last occurrence is in the last 64 KB.
  const nearEnd = markers.filter((m) => direct.found[m].last > direct.bytes - 64 * 1024);
  await new Promise((r) => setTimeout(r, 1000));
  const before = memory(pid).rssMiB;
  resetPeak(pid);
  const cpu0 = cpuMs(pid);
  const gate = await streamLong(gateUrl + url, { "accept-encoding": "identity" }, markers, pid);
  const cpu = cpuMs(pid) - cpu0;
  const after = memory(pid);
  const leaked = markers.filter((m) => gate.found[m].count > 0);
  const out = {
    bytesDirect: direct.bytes,
    directMs: direct.ms,
    markers: markers.length,
    markersNearEnd: nearEnd.length,
    markerCountDirect: markers.reduce((a, m) => a + direct.found[m].count, 0),
    status: gate.status,
    complete: gate.complete,
    endsWithMark: gate.tail.includes("<!-- end of the long page -->"),
    bytesGate: gate.bytes,
    ms: gate.ms,
    cpuMs: cpu,
    leaks: leaked,
    rssBeforeMiB: before,
    rssMaxMiB: Math.max(before, ...gate.rss),
    rssAfterMiB: after.rssMiB,
    peakMiB: after.peakMiB,
    rssSamples: gate.rss.length,
  };
  log(
    `long page: ${out.bytesGate} of ${out.bytesDirect} bytes in ${out.ms.toFixed(0)} ms (${cpu.toFixed(0)} ms CPU), ` +
      `leaks ${leaked.length}, RSS ${before.toFixed(0)} -> max ${out.rssMaxMiB.toFixed(0)} MiB (VmHWM ${out.peakMiB.toFixed(0)})`,
  );
  return out;
}

/** Before the mix: the markers are in the origin's pages, and each consent state does what it says. */
async function sanity({ originUrl, urls, states }) {
  const agent = new Agent({ keepAlive: false });
  const notes = [];
  for (const path of ["/fault/ok/20k", "/fault/status/404"]) {
    const direct = await fire(agent, originUrl + path, {});
    const text = direct.body.toString("latin1");
    const absent = allMarkers().filter((m) => !text.includes(m));
    if (absent.length) throw new Error(`origin ${path} lacks the markers ${absent.join(", ")}`);
  }
  notes.push("every marker is in the origin's pages");
  for (const state of states) {
    for (const cookie of state.cookies) {
      const res = await fire(agent, `${urls.gate}/fault/ok/20k`, cookie ? { cookie } : {});
      const verdict = judge({ route: ROUTES[0], state }, res);
      if (verdict.problems.length || verdict.leaks.length)
        throw new Error(`${state.id} /fault/ok/20k (${cookie}): ${[...verdict.problems, ...verdict.leaks].join(", ")}`);
      if (state.id === "all" && !res.body.toString("latin1").includes("googletagmanager.com/gtm.js"))
        throw new Error("all consent lost GTM: the consent cookie is not read");
    }
  }
  notes.push("no consent state leaks on the healthy page", "all consent keeps GTM");
  notes.push("the banner shows for no cookie and the garbled ones only");
  const hang = await fire(agent, `${urls.timeout}/fault/hang`, {});
  if (hang.status !== 504 || hang.ms > FAULT_TIMEOUT_MS * 3)
    throw new Error(`the short-timeout gatekeeper: ${hang.status} after ${hang.ms.toFixed(0)} ms`);
  notes.push(`the short-timeout gatekeeper answers 504 after ${hang.ms.toFixed(0)} ms`);
  agent.destroy();
  return notes;
}

/**
 * The whole phase, through `gate` ({ url, pid }: the deploy bundle served by run.mjs, its ORIGIN
 * the bench origin at `originUrl`, whose /fault/ routes misbehave) and two gatekeepers of its own:
 * one built with the short origin timeout, one whose ORIGIN is a closed port.
 * `consentCookie(purposes)` makes a valid gatekeeper cookie; `track(worker)` registers a served
 * worker for clean-up.
 */
export async function faultPhase({ tmp, log, track, consentCookie, gate, originUrl, faultBundle }) {
  const started = performance.now();
  let scriptPath = faultBundle;
  if (!scriptPath) {
    log(`faults: building a bundle with origin.timeoutMs ${FAULT_TIMEOUT_MS} (wrangler deploy --dry-run of a copy)`);
    scriptPath = buildFaultBundle(tmp);
  }
  const ratelimits = { GA_BEACON_LIMITER: { simple: { limit: 100, period: 60 } } };
  const timeoutGate = await serveWorker({ scriptPath, bindings: { ORIGIN: originUrl }, ratelimits });
  track(timeoutGate);
  const refusedGate = await serveWorker({
    scriptPath,
    bindings: { ORIGIN: `http://127.0.0.1:${await closedPort()}` },
    ratelimits,
  });
  track(refusedGate);
  const urls = { gate: gate.url, timeout: timeoutGate.url, refused: refusedGate.url };
  log(
    `faults: gatekeeper ${gate.url} (workerd ${gate.pid}), short timeout ${urls.timeout}, closed port ${urls.refused}`,
  );
  const states = consentStates(consentCookie);
  const notes = await sanity({ originUrl, urls, states });
  log(`faults: sanity checks passed: ${notes.join("; ")}`);

  const warmupRequests = FAULT_WARMUP ?? 10_000;
  let warmup = null;
  if (warmupRequests) {
    log(`faults: warm-up, ${warmupRequests} requests of the mix`);
    const w = await runMix({
      items: schedule(warmupRequests, states, 1),
      connections: FAULT_CONNECTIONS,
      urls,
      pid: gate.pid,
      seconds: 600,
      log,
    });
    warmup = {
      requests: w.requests,
      seconds: w.seconds,
      leaks: w.leaks,
      unexpected: w.unexpected,
      startMiB: w.memory.startMiB,
      endMiB: w.memory.endMiB,
    };
    log(
      `faults: warm-up done: leaks ${w.leaks}, unexpected ${w.unexpected}, RSS ${f0(w.memory.startMiB)} -> ${f0(w.memory.endMiB)} MiB`,
    );
  }

  const mix = await runMix({
    items: schedule(FAULT_REQUESTS, states),
    connections: FAULT_CONNECTIONS,
    urls,
    pid: gate.pid,
    seconds: FAULT_SECONDS,
    log,
  });
  log(
    `faults: ${mix.requests} requests in ${mix.seconds.toFixed(0)} s, unexpected ${mix.unexpected}, leaks ${mix.leaks}, ` +
      `5xx intended ${mix.intended5xx} unintended ${mix.unintended5xx}, cut ${mix.cutAborted} aborted + ${mix.cutTruncated} truncated, ` +
      `retried ${mix.retried}, RSS ${f0(mix.memory.startMiB)} -> ${f0(mix.memory.endMiB)} MiB`,
  );
  for (const e of mix.examples) log(`faults: unexpected: ${e}`);
  for (const e of mix.leakExamples) log(`faults: LEAK: ${e}`);
  const long = await longPage({ originUrl, gateUrl: gate.url, pid: gate.pid, log });
  return {
    config: {
      requests: FAULT_REQUESTS,
      connections: FAULT_CONNECTIONS,
      capSeconds: FAULT_SECONDS,
      timeoutMs: FAULT_TIMEOUT_MS,
      gzipClientShare: GZIP_CLIENT_SHARE,
      longBytes: LONG_BYTES,
      drip: { chunks: DRIP_CHUNKS, ms: DRIP_MS },
      resetAfter: RESET_AFTER,
      onlyRoutes: ONLY_ROUTES ?? null,
      faultBundle: faultBundle ?? "wrangler deploy --dry-run of a copy of the project, origin.timeoutMs changed",
    },
    states: states.map(({ id, label, cookies, refuses }) => ({ id, label, cookies, refuses })),
    markers: { ...MARKERS, shared: SHARED_MARKER },
    notes,
    warmup,
    mix,
    long,
    seconds: (performance.now() - started) / 1000,
  };
}

const f0 = (n) => n.toFixed(0);
