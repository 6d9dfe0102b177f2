// Load generation (autocannon) and probes (node:http), with latencies kept at full precision:
// autocannon's own histogram has 1 ms resolution, too coarse for pages served in a few ms.
import { request } from "node:http";
import { constants, createGunzip } from "node:zlib";
import autocannon from "autocannon";
import { percentile } from "./stats.mjs";

/**
 * One autocannon run: `duration` seconds, or `amount` requests (stopped after `stopAfterSeconds`
 * at the latest). `onProgress(done)` is called every `progressEvery` responses. Resolves with
 * req/s, exact p50/p99 latency (and every latency with `keepLatencies`), counts and errors.
 */
export function runLoad({
  url,
  connections,
  duration,
  amount,
  stopAfterSeconds,
  headers = {},
  onProgress,
  progressEvery = 500,
  keepLatencies = false,
  requests,
}) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let done = 0;
    let stopTimer;
    let finished = false;
    const options = { url, connections, headers, timeout: 30, pipelining: 1 };
    // A sequence each connection cycles through (e.g. alternating consent states).
    if (requests) options.requests = requests;
    if (amount) options.amount = amount;
    else options.duration = duration;
    const t0 = performance.now();
    const instance = autocannon(options, (error, result) => {
      finished = true;
      clearTimeout(stopTimer);
      if (error) return reject(error);
      latencies.sort((a, b) => a - b);
      const completed = result.requests.total;
      // Our own clock: autocannon rounds its duration to 10 ms.
      const seconds = (performance.now() - t0) / 1000;
      resolve({
        requests: completed,
        seconds,
        rps: completed / seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        bytes: result.throughput.total,
        latencies: keepLatencies ? latencies : [],
      });
    });
    if (stopAfterSeconds && !finished) stopTimer = setTimeout(() => instance.stop(), stopAfterSeconds * 1000);
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      done++;
      if (onProgress && done % progressEvery === 0) onProgress(done);
    });
  });
}

/**
 * Streaming probe: one GET on a fresh connection. Times (ms from sending) of the response head,
 * the first body byte, the first decoded HTML byte (gunzipped when the answer is gzip) and the
 * end, plus what the first decoded bytes were.
 */
export function probeStream(url, acceptEncoding, timeoutMs = 15_000, headers = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const at = () => performance.now() - start;
    const times = { head: Number.NaN, firstByte: Number.NaN, firstDecoded: Number.NaN, end: Number.NaN };
    let encoding = "identity";
    let firstText = "";
    let decodedBytes = 0;
    const req = request(url, { headers: { ...headers, "accept-encoding": acceptEncoding }, agent: false }, (res) => {
      times.head = at();
      encoding = res.headers["content-encoding"] ?? "identity";
      const decoded = encoding === "gzip" ? createGunzip({ finishFlush: constants.Z_SYNC_FLUSH }) : res;
      res.once("data", () => {
        times.firstByte = at();
      });
      decoded.on("data", (chunk) => {
        if (Number.isNaN(times.firstDecoded)) {
          times.firstDecoded = at();
          firstText = String(chunk).slice(0, 2000);
        }
        decodedBytes += chunk.length;
      });
      decoded.on("end", () => {
        times.end = at();
        clearTimeout(timer);
        resolve({ status: res.statusCode, encoding, times, firstText, decodedBytes });
      });
      decoded.on("error", reject);
      if (decoded !== res) res.pipe(decoded);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/**
 * A plain GET, read to the end: status, body bytes, and whether the stream ended cleanly. A new
 * connection each time, unless an `agent` (keep-alive) is given.
 */
export function getOnce(url, headers = {}, timeoutMs = 60_000, agent = false) {
  return new Promise((resolve) => {
    const start = performance.now();
    const chunks = [];
    const req = request(url, { headers, agent }, (res) => {
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks),
          ok: true,
          ms: performance.now() - start,
        });
      });
      res.on("error", (error) =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks), ok: false, error: error.code ?? error.message }),
      );
    });
    const timer = setTimeout(() => req.destroy(new Error("timeout")), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: 0, body: Buffer.concat(chunks), ok: false, error: error.code ?? error.message });
    });
    req.end();
  });
}
