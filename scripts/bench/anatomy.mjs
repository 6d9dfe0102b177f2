// What HTMLRewriter itself costs in workerd, before any gatekeeper logic: minimal workers, each
// doing one thing the gatekeeper has to do, measured side by side with the floor on the same
// pages. It answers "why is the gatekeeper not within a few percent of the floor" with numbers:
// every call from lol-html into JavaScript has a fixed price, and some pages cost lol-html
// itself more than any handler does.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { getOnce } from "./load.mjs";
import { cpuMs } from "./proc.mjs";
import { trimmedMean } from "./stats.mjs";
import { MINIMUM_REWRITE } from "./workers.mjs";

/** Each variant is the body of `fetch(request, env)` after `const res = await fetch(...)`. */
export const ANATOMY_VARIANTS = [
  { id: "floor", label: "pass-through (the floor)", body: "return res;" },
  { id: "rw-empty", label: "HTMLRewriter, no handler", body: "return new HTMLRewriter().transform(res);" },
  {
    id: "rw-body",
    label: "one element handler on `body` (1 call)",
    body: 'return new HTMLRewriter().on("body", { element() {} }).transform(res);',
  },
  {
    id: "rw-script",
    label: "one element handler on every `script`",
    body: 'return new HTMLRewriter().on("script", { element() {} }).transform(res);',
    count: "script",
  },
  {
    id: "rw-inline-text",
    label: "a text handler on inline scripts (the platform minimum: what judging them needs at least)",
    body: `return ${MINIMUM_REWRITE};`,
  },
  {
    id: "rw-inline-attrs",
    label:
      "the platform minimum plus one attribute selector on any element (`[data-gk-none]`, no match): what a gatekeeper that judges style and event-handler attributes on every element cannot avoid",
    body: 'return new HTMLRewriter().on("script:not([src])", { text() {} }).on("[data-gk-none]", { element() {} }).transform(res);',
  },
  {
    id: "rw-attr",
    label: "one attribute selector on any element (`[background]`, no match)",
    body: 'return new HTMLRewriter().on("[background]", { element() {} }).transform(res);',
  },
  {
    id: "rw-tags",
    label: "8 tag selectors, no match (`video`, `audio`, `embed`, ...)",
    body: 'return new HTMLRewriter().on("video, audio, track, embed, object, image, use, feimage", { element() {} }).transform(res);',
  },
  {
    id: "rw-40-tags",
    label: "40 handlers, one tag selector each, no match (what registering a handler costs per request)",
    body: `return new HTMLRewriter()${Array.from({ length: 40 }, (_, i) => `.on("x-none-${i}", { element() {} })`).join("")}.transform(res);`,
  },
  {
    id: "rw-attr-lists",
    label:
      "20 handlers, each on 8 attribute-substring selectors, no match (the shape of URL-attribute and vendor selectors)",
    body: `return new HTMLRewriter()${Array.from({ length: 20 }, (_, i) => `.on(${JSON.stringify(attributeList(i))}, { element() {} })`).join("")}.transform(res);`,
  },
];

/** Eight attribute-substring selectors over the elements that carry URLs, none of which match the pages. */
function attributeList(i) {
  const pairs = [
    "script[src",
    "link[href",
    "img[src",
    "iframe[src",
    "a[href",
    "source[srcset",
    "form[action",
    "[style",
  ];
  return pairs.map((p) => `${p}*="gk-none-${i}-"]`).join(", ");
}

function workerSource(body) {
  return `export default {\n  async fetch(request, env) {\n    const url = new URL(request.url);\n    const res = await fetch(env.ORIGIN + url.pathname);\n    ${body}\n  },\n};\n`;
}

/**
 * The gatekeeper's own registrations for one request (count-calls.worker.mjs records them), with
 * no-op handlers of the same kinds: what its selectors and calls cost before any handler works.
 */
export function gatekeeperSelectorsVariant(registered) {
  const handlers = (kinds) => `{ ${kinds.map((k) => `${k}() {}`).join(", ")} }`;
  const calls = registered
    .map(({ selector, kinds }) =>
      selector === null ? `.onDocument(${handlers(kinds)})` : `.on(${JSON.stringify(selector)}, ${handlers(kinds)})`,
    )
    .join("");
  return {
    id: "rw-gk-selectors",
    label: `the gatekeeper's own ${registered.length} registrations without consent, each handler a no-op: its selectors and calls, before any handler works`,
    body: `return new HTMLRewriter()${calls}.transform(res);`,
  };
}

/** Writes one module per variant into `dir`; returns [{...variant, scriptPath}]. */
export function writeAnatomyWorkers(dir, extra = []) {
  return [...ANATOMY_VARIANTS, ...extra].map((v) => {
    const scriptPath = join(dir, `anatomy-${v.id}.mjs`);
    writeFileSync(scriptPath, workerSource(v.body));
    return { ...v, scriptPath };
  });
}

const IDENTITY = { "accept-encoding": "identity" };

/** One GET on the kept-alive socket; one that a cut stream left reset is retried on a new one. */
async function getBody(url, agent) {
  const first = await getOnce(url, IDENTITY, 60_000, agent);
  const answer = first.status === 0 ? await getOnce(url, IDENTITY, 60_000, agent) : first;
  return { status: answer.status, bytes: answer.body.length, complete: answer.ok };
}

/**
 * Sequential requests (one at a time, so CPU per request is the worker's own): per page,
 * `rounds` rounds of `perRound` requests per variant (`only` those ids, if given; the floor must
 * be among them), each round starting at the next variant and reversed every other round, so a
 * slow moment of the machine hits every variant alike. A variant's CPU per request is the
 * trimmed mean of its rounds; its cost above the floor the trimmed mean of its difference to the
 * floor's in the same round. Returns rows of CPU ms/request.
 */
export async function measureAnatomy({ served, pages, log = () => {} }) {
  const { Agent } = await import("node:http");
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  const rows = [];
  try {
    for (const { page, rounds, perRound, only } of pages) {
      const variants = only ? served.filter((s) => only.includes(s.id)) : served;
      const acc = new Map(variants.map((s) => [s.id, { perRequest: [], bytes: 0, requests: 0 }]));
      for (const s of variants) for (let i = 0; i < 2; i++) await getBody(`${s.url}/${page}`, keepAlive);
      for (let r = 0; r < rounds; r++) {
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        for (const s of r % 2 ? order.reverse() : order) {
          const before = cpuMs(s.pid);
          let last;
          for (let i = 0; i < perRound; i++) last = await getBody(`${s.url}/${page}`, keepAlive);
          const a = acc.get(s.id);
          a.perRequest.push((cpuMs(s.pid) - before) / perRound);
          a.requests += perRound;
          a.bytes = last.bytes;
          a.complete = last.complete;
        }
      }
      const floor = acc.get("floor").perRequest;
      for (const s of variants) {
        const a = acc.get(s.id);
        rows.push({
          page,
          id: s.id,
          label: s.label,
          cpuMs: trimmedMean(a.perRequest),
          aboveFloorMs: trimmedMean(a.perRequest.map((v, i) => v - floor[i])),
          bytes: a.bytes,
          complete: a.complete,
          requests: a.requests,
        });
      }
      log(
        `anatomy ${page}: ${rows
          .filter((r) => r.page === page)
          .map((r) => `${r.id} ${r.cpuMs.toFixed(2)}`)
          .join(", ")}`,
      );
    }
  } finally {
    keepAlive.destroy();
  }
  return rows;
}

/**
 * What the gatekeeper registers for the 200 KB page without consent, read from a counting build
 * (`gate`, served): the second request's, once the isolate's caches are warm.
 */
async function gatekeeperRegistrations(gate) {
  await getOnce(`${gate.url}/page-200k`, IDENTITY);
  await getOnce(`${gate.url}/__bench/calls`);
  await getOnce(`${gate.url}/page-200k`, IDENTITY);
  const { registered } = JSON.parse(String((await getOnce(`${gate.url}/__bench/calls`)).body));
  if (!registered?.length) throw new Error("anatomy: the counting gate registered no handler");
  return registered;
}

/**
 * The phase run.mjs calls: serves each minimal worker from its own workerd, measures CPU per
 * request on the 200 KB page and the hostile `<a></b>` page, then throughput at 10 connections of
 * the floor against HTMLRewriter with no handler and with one: the ceiling any HTMLRewriter-based
 * gatekeeper has before doing anything.
 */
export async function anatomyPhase({
  tmp,
  originUrl,
  serveWorker,
  runLoad,
  log,
  roundSeconds,
  rounds,
  counting,
  gatekeeper,
}) {
  const served = [];
  try {
    const extra = counting ? [gatekeeperSelectorsVariant(await gatekeeperRegistrations(counting))] : [];
    for (const v of writeAnatomyWorkers(tmp, extra))
      served.push({ ...v, ...(await serveWorker({ scriptPath: v.scriptPath, bindings: { ORIGIN: originUrl } })) });
    // The gatekeeper itself, measured the same way, so its cost can be split against the rows above.
    if (gatekeeper)
      served.push({ id: "gk-none", label: "the gatekeeper, no consent", ...gatekeeper, dispose: async () => {} });
    const cpu = await measureAnatomy({
      served,
      log,
      pages: [
        { page: "page-200k", rounds: 40, perRound: 10 },
        { page: "hostile-ab", rounds: 4, perRound: 3, only: ["floor", "rw-empty", "rw-body"] },
      ],
    });
    const load = [];
    const byId = Object.fromEntries(served.map((s) => [s.id, s]));
    const ids = ["floor", "rw-empty", "rw-body", "rw-script"];
    for (const id of ids) await runLoad({ url: `${byId[id].url}/page-200k`, connections: 10, duration: 1 });
    for (let r = 0; r < rounds; r++) {
      for (const id of r % 2 ? [...ids].reverse() : ids) {
        const result = await runLoad({ url: `${byId[id].url}/page-200k`, connections: 10, duration: roundSeconds });
        const row = load.find((x) => x.id === id) ?? { id, label: byId[id].label, requests: 0, seconds: 0, p50s: [] };
        row.requests += result.requests;
        row.seconds += result.seconds;
        row.p50s.push(result.p50);
        if (!load.includes(row)) load.push(row);
      }
    }
    for (const row of load) {
      row.rps = row.requests / row.seconds;
      row.p50 = row.p50s.reduce((a, b) => a + b, 0) / row.p50s.length;
    }
    log(`anatomy 10 connections: ${load.map((x) => `${x.id} ${x.rps.toFixed(0)} req/s`).join(", ")}`);
    return { cpu, load };
  } finally {
    for (const s of served) await s.dispose().catch(() => {});
  }
}
