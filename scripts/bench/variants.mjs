// What the load phase measures side by side, and what each is held to. A variant is a URL (a
// served worker, or the origin), the headers its requests carry (the consent cookie), the workerd
// pid whose CPU is read, and a `role`:
//   reference   the origin direct: how fast the pages can come at all (first round only)
//   floor       the pass-through worker: every ratio's base
//   minimum     the platform minimum (workers.mjs MINIMUM_REWRITE): what HTMLRewriter forces
//   gatekeeper  the deploy bundle, one consent state each
//   cacheHit    the deploy bundle answering from its consent-bucket cache (see cacheHitVariant)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument, parse as parseYaml } from "yaml";
import { getOnce } from "./load.mjs";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "..", "..");

/**
 * Targets by role, reported met or missed, never asserted. `metric` is a per-round
 * ratio of this variant to `against` (the median over the paired rounds is what is judged):
 *   cpuAboveFloor  (CPU per request − the floor's) ÷ the same for `against`
 *   cpu            CPU per request ÷ `against`'s
 *   rps            requests per second ÷ `against`'s
 */
export const TARGETS = {
  gatekeeper: [
    { metric: "cpuAboveFloor", against: "minimum", max: 1.25 },
    { metric: "rps", against: "minimum", min: 0.8 },
  ],
  cacheHit: [
    { metric: "rps", against: "floor", min: 0.9 },
    { metric: "cpu", against: "floor", max: 1.2 },
  ],
};

export function purposes() {
  return parseYaml(readFileSync(join(ROOT, "policies", "purposes.yaml"), "utf8")).purposes;
}

/** A valid gatekeeper consent cookie for `ids`, in the shipped site's format. */
export function consentCookie(ids) {
  const site = parseYaml(readFileSync(join(ROOT, "policies", "sites", "default.yaml"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  return `${site.consent.cookie}=1.${site.version}.${[...ids].sort().join("-")}.${now}.AAAAAAAAAAAAAAAAAAAAAA`;
}

/** The gatekeeper's consent states: none, analytics only (with what is required), all. */
export function consentStates() {
  const all = purposes().map((p) => p.id);
  const required = purposes()
    .filter((p) => p.required)
    .map((p) => p.id);
  return [
    { id: "gk-none", label: "gatekeeper, no consent", cookie: null },
    { id: "gk-analytics", label: "gatekeeper, analytics only", cookie: consentCookie([...required, "analytics"]) },
    { id: "gk-all", label: "gatekeeper, all consent", cookie: consentCookie(all) },
  ];
}

/** The variants of the load phase, from the served workers ({ url, pid }) and the origin's URL. */
export function loadVariants({ originUrl, floor, minimum, gate }) {
  const served = (id, label, role, worker, cookie = null) => ({
    id,
    label,
    role,
    url: worker.url,
    pid: worker.pid,
    headers: cookie ? { cookie } : {},
    cookie,
  });
  return [
    { id: "direct", label: "origin direct", role: "reference", url: originUrl, pid: null, headers: {}, cookie: null },
    served("floor", "floor (pass-through worker)", "floor", floor),
    served("minimum", "platform minimum (no-op text handler on inline scripts)", "minimum", minimum),
    ...consentStates().map((s) => served(s.id, s.label, "gatekeeper", gate, s.cookie)),
  ];
}

/** The path prefix under which the origin marks its pages shareable (origin.mjs /public/). */
export const SHARED_PREFIX = "/public";

/**
 * The bench's site policy: the shipped one with the origin's shareable pages (SHARED_PREFIX)
 * added to the consent-bucket cache's paths, so that the cacheHit variant can hit. Edited with
 * the YAML document API, which keeps every comment; checked by parsing it back.
 */
export function withSharedPages(text) {
  const doc = parseDocument(text);
  const paths = doc.getIn(["cache", "paths"])?.toJSON?.() ?? [];
  doc.setIn(["cache", "paths"], [...paths, `${SHARED_PREFIX}/*`]);
  const changed = doc.toString();
  if (!parseYaml(changed)?.cache?.paths?.includes(`${SHARED_PREFIX}/*`))
    throw new Error(`policies/sites/default.yaml: could not add ${SHARED_PREFIX}/* to cache.paths`);
  return changed;
}

/**
 * The slot for the consent-bucket cache's hit path: the same gatekeeper, no consent,
 * on pages the origin marks shareable, whose answers come from a Cache API entry. It joins the
 * load phase as one more variant (role cacheHit, held to TARGETS.cacheHit) as soon as the
 * gatekeeper says `X-Gatekeeper-Cache: hit` on a repeated request for such a page; until then this
 * returns the reason it is not measured, and the report says so. Nothing is measured in its place.
 *
 * For it to hit, the bench's gatekeeper opts the origin's /public/ pages in to caching: run.mjs
 * builds it from a copy of the project whose site file is withSharedPages (above).
 */
export async function cacheHitVariant(gate) {
  const url = `${gate.url}${SHARED_PREFIX}/page-20k`;
  await getOnce(url);
  // An entry may be stored after its response (waitUntil): a few tries, a moment apart.
  let again;
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    again = await getOnce(url);
    if (again.headers?.["x-gatekeeper-cache"] === "hit") break;
  }
  const said = again.headers?.["x-gatekeeper-cache"] ?? null;
  if (again.status === 200 && said === "hit")
    return {
      variant: {
        id: "gk-cache-hit",
        label: "gatekeeper, cache hit (no consent)",
        role: "cacheHit",
        url: gate.url,
        pid: gate.pid,
        prefix: SHARED_PREFIX,
        headers: {},
        cookie: null,
      },
    };
  return {
    reason:
      said === null
        ? `a repeated GET ${SHARED_PREFIX}/page-20k carries no X-Gatekeeper-Cache header: the consent-bucket cache is not built yet`
        : `a repeated GET ${SHARED_PREFIX}/page-20k says X-Gatekeeper-Cache: ${said} (the bench's site file must opt ${SHARED_PREFIX}/ in)`,
  };
}
