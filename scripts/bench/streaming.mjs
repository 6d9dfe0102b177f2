// Streaming: the origin's slow page (head, 2 s, rest) through the origin direct, the floor and the
// gatekeeper, with and without gzip, first-byte times per combination (median of `trials`).
import { probeStream } from "./load.mjs";
import { median } from "./stats.mjs";

/**
 * The slow origin page: head, 2 s, rest. First-byte times with Accept-Encoding identity and gzip,
 * from an origin that compresses when asked (/slow) and from one that never does (/slow-plain).
 */
export async function streamingPhase({ variants, trials: count, log }) {
  const chosen = variants.filter((v) => ["direct", "floor", "gk-none"].includes(v.id));
  const combos = chosen.flatMap((v) =>
    ["/slow", "/slow-plain"].flatMap((path) => ["identity", "gzip"].map((ae) => ({ v, path, ae }))),
  );
  const trials = [];
  for (let t = 0; t < count; t++) {
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
    const med = (key) => median(r.map((x) => x.times[key]));
    out.push({
      variant: v.id,
      origin: path === "/slow" ? "gzip when asked" : "never compresses",
      acceptEncoding: ae,
      contentEncoding: r[0].encoding,
      head: med("head"),
      firstByte: med("firstByte"),
      firstDecoded: med("firstDecoded"),
      end: med("end"),
    });
  }
  for (const s of out)
    log(
      `slow (${s.origin}) ${s.variant} ${s.acceptEncoding}: first byte ${s.firstByte.toFixed(0)} ms, first HTML ${s.firstDecoded.toFixed(0)} ms (${s.contentEncoding})`,
    );
  return out;
}
