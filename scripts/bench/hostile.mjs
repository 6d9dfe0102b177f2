// Hostile pages (pages.mjs), one request at a time through the floor and the gatekeeper without
// consent: CPU per request in workerd, what came out, and what workerd logged.
import { getOnce } from "./load.mjs";
import { hostilePages } from "./pages.mjs";
import { cpuMs } from "./proc.mjs";

/** Hostile pages, one request at a time: CPU per request in workerd, and what came out. */
export async function hostilePhase({ variants, repeats, log }) {
  const out = [];
  for (const page of Object.keys(hostilePages)) {
    const inputBytes = Buffer.byteLength(hostilePages[page]());
    for (const v of variants.filter((x) => x.id === "floor" || x.id === "gk-none")) {
      const logStart = v.runtime.logMark();
      await getOnce(`${v.url}/${page}`, v.headers);
      const cpu0 = cpuMs(v.pid);
      const runs = [];
      for (let i = 0; i < repeats; i++) runs.push(await getOnce(`${v.url}/${page}`, v.headers));
      const cpu = (cpuMs(v.pid) - cpu0) / repeats;
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
