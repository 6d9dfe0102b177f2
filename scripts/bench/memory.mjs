// Memory: the gatekeeper's workerd RSS over many requests of the 2 MB page. Runs last in
// `npm run bench` and takes what is left of the time budget.
import { runLoad } from "./load.mjs";
import { cpuMs, memory, resetPeak, rssSummary } from "./proc.mjs";

/**
 * RSS over requests requests of the 2 MB page, every connection alternating `v` (no consent:
 * the most rewriting, inline scripts and noscript held back) and `other` (all consent: injections
 * and re-pointing), so both paths run 5,000 times within the 10-minute budget.
 */
export async function flatnessPhase({ v, other, requests, maxSeconds, log }) {
  log(`flatness: up to ${requests} requests of /page-2m (${v.id} and ${other.id}), at most ${maxSeconds.toFixed(0)} s`);
  resetPeak(v.pid);
  const t0 = performance.now();
  const samples = [{ done: 0, seconds: 0, rssMiB: memory(v.pid).rssMiB }];
  const cpu0 = cpuMs(v.pid);
  const result = await runLoad({
    url: `${v.url}/page-2m`,
    connections: 10,
    amount: requests,
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
    target: requests,
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
