// Calls from lol-html into JavaScript per request ("count calls into JavaScript on hot
// paths"; each costs about 20 µs in workerd, see the anatomy phase). A counting build of a worker
// is the worker itself with count-calls.worker.mjs loaded first; it is served from a workerd of its
// own (never the one the load phase times) and asked, after each batch of requests, how many calls
// each selector's handlers took.
import { copyFileSync, cpSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { getOnce } from "./load.mjs";

const SHIM = new URL("./count-calls.worker.mjs", import.meta.url).pathname;
const REPEATS = 3;

/**
 * A counting build of the worker at `scriptPath` in `dir` (a copy of its folder, so a prebuilt
 * bundle is left as it is): an entry module that imports the shim, then the worker, and answers
 * /__bench/calls itself.
 */
export function writeCountingWorker(dir, scriptPath) {
  cpSync(dirname(scriptPath), dir, { recursive: true });
  copyFileSync(SHIM, join(dir, "count-calls.worker.mjs"));
  const entry = join(dir, "counting-entry.mjs");
  writeFileSync(
    entry,
    `import { takeCalls } from "./count-calls.worker.mjs";\nimport worker from "./${basename(scriptPath)}";\n\n` +
      "export default {\n  fetch(request, env, ctx) {\n" +
      '    if (new URL(request.url).pathname === "/__bench/calls") return Response.json(takeCalls());\n' +
      "    return worker.fetch(request, env, ctx);\n  },\n};\n",
  );
  return entry;
}

/**
 * For each page and each variant ({ id, worker, headers }, `worker` a served counting build):
 * calls per request over REPEATS requests, after one that warms the isolate up.
 */
export async function countCalls({ variants, pages, log = () => {} }) {
  const rows = [];
  for (const page of pages) {
    for (const v of variants) {
      const url = `${v.worker.url}/${page}`;
      const first = await getOnce(url, v.headers);
      if (first.status !== 200 || !first.ok) throw new Error(`calls: ${v.id} /${page}: ${first.status}`);
      await getOnce(`${v.worker.url}/__bench/calls`);
      for (let i = 0; i < REPEATS; i++) await getOnce(url, v.headers);
      const calls = JSON.parse(String((await getOnce(`${v.worker.url}/__bench/calls`)).body));
      rows.push({
        page,
        variant: v.id,
        perRequest: calls.total / REPEATS,
        bySelector: Object.fromEntries(Object.entries(calls.bySelector).map(([k, n]) => [k, n / REPEATS])),
      });
    }
    log(
      `calls ${page}: ${rows
        .filter((r) => r.page === page)
        .map((r) => `${r.variant} ${r.perRequest.toFixed(0)}`)
        .join(", ")}`,
    );
  }
  return rows;
}
