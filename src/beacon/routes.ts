/**
 * The first-party endpoints of every vendor with a `beacon:` block, registered from the compiled
 * policy: its tag (`GET tag.to`, e.g. /__gk/ga/gtag/js?id=G-…) and its beacon endpoint
 * (`GET/POST collect.path`, e.g. /__gk/ga/g/collect). Any other path under its base is 400: only
 * the policy's upstream URLs are reachable, whatever the request says.
 *
 * Consent comes only from the Decision that decide() returns. Logs carry fixed reasons and
 * statuses, never an address, a client or user id, a cookie or a parameter value.
 */

import type { Hono } from "hono";
import type { Decision } from "../consent/decide";
import { readBounded } from "../http/read-body";
import type { CompiledBeacon, CompiledTag } from "../policy/beacons";
import type { CompiledPolicy } from "../policy/compile";
import { fetchTag, forwardHit } from "./forward";
import { FORBIDDEN_CHARS } from "./hit";
import { planBeacon } from "./request";

export interface BeaconDeps {
  policy: CompiledPolicy;
  /** The app's one decision for a request (decide() with the request's host and headers). */
  decide: (request: Request) => Decision;
  /** Outbound fetch to vendors' upstreams; the global fetch unless a test injects one. */
  vendorFetch?: typeof fetch;
  /** The Cache API cache for tags; caches.default unless a test injects one. */
  cache?: () => Cache | undefined;
}

const NO_STORE = { "cache-control": "no-store" };
const COLLECT_METHODS = "GET, POST, OPTIONS";
const TAG_METHODS = "GET, HEAD";

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...NO_STORE, ...headers },
  });
}

function log(beacon: CompiledBeacon, message: string): void {
  console.error(`tag-gatekeeper: ${beacon.vendorId} beacon: ${message}`);
}

function defaultCache(): Cache | undefined {
  return typeof caches === "undefined" ? undefined : (caches as unknown as { default?: Cache }).default;
}

export function registerBeaconRoutes(app: Hono<any>, deps: BeaconDeps): void {
  const fetcher = deps.vendorFetch ?? ((input, init) => fetch(input, init));
  const cache = deps.cache ?? defaultCache;
  for (const beacon of deps.policy.beacons) {
    app.all(beacon.collect.path, (c) => collect(c.req.raw, c.env, beacon, deps, fetcher));
    const tag = beacon.tag;
    if (tag) app.all(tag.to, (c) => serveTag(c.req.raw, beacon, tag, fetcher, cache()));
    app.all(`${beacon.base}/*`, () => text(400, "Not a path the gatekeeper forwards."));
  }
}

async function collect(
  request: Request,
  env: unknown,
  beacon: CompiledBeacon,
  deps: BeaconDeps,
  fetcher: typeof fetch,
): Promise<Response> {
  const method = request.method;
  if (method === "OPTIONS")
    return new Response(null, { status: 204, headers: { allow: COLLECT_METHODS, ...NO_STORE } });
  if (method !== "GET" && method !== "POST") return text(405, "Method not allowed.", { allow: COLLECT_METHODS });
  const url = new URL(request.url);
  if (url.pathname !== beacon.collect.path) return text(400, "Not a path the gatekeeper forwards.");

  const limiter = beacon.rateLimitBinding
    ? (env as Record<string, unknown> | undefined)?.[beacon.rateLimitBinding]
    : undefined;
  if (isRateLimit(limiter)) {
    try {
      const { success } = await limiter.limit({ key: request.headers.get("cf-connecting-ip") ?? "unknown" });
      if (!success) {
        await request.body?.cancel().catch(() => {});
        return text(429, "Too many beacons.", { "retry-after": "60" });
      }
    } catch {
      log(beacon, "rate limiter unavailable, not limiting");
    }
  }

  let body = "";
  if (method === "POST") {
    const bytes = await readBounded(request, beacon.maxBodyBytes);
    if (bytes === null) return text(413, "Beacon body too large.");
    try {
      body = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      return text(400, "Beacon body is not UTF-8.");
    }
  }

  const decision = deps.decide(request);
  const plan = planBeacon(beacon, {
    method,
    url,
    headers: request.headers,
    body,
    allowed: !decision.refused[beacon.vendor],
  });
  if (plan.kind === "reject") {
    const headers: Record<string, string> = plan.status === 405 ? { allow: COLLECT_METHODS } : {};
    return text(plan.status, `Beacon refused: ${plan.reason}.`, headers);
  }
  if (plan.kind === "forward") {
    const result = await forwardHit(fetcher, plan.upstream, beacon.timeoutMs);
    if ("error" in result) log(beacon, `upstream ${result.error}`);
    else if (result.status >= 300)
      log(beacon, `upstream answered ${result.status}${result.status < 400 ? " (redirect not followed)" : ""}`);
  }
  // As Google answers a hit, whether or not it was forwarded: the page has nothing to act on.
  return new Response(null, { status: 204, headers: NO_STORE });
}

async function serveTag(
  request: Request,
  beacon: CompiledBeacon,
  tag: CompiledTag,
  fetcher: typeof fetch,
  cache: Cache | undefined,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD")
    return text(405, "Method not allowed.", { allow: TAG_METHODS });
  const url = new URL(request.url);
  if (url.pathname !== tag.to) return text(400, "Not a path the gatekeeper forwards.");
  const upstream = tagUpstreamUrl(tag, url.search);
  if ("error" in upstream) return text(400, `Tag request refused: ${upstream.error}.`);
  const result = await fetchTag({
    fetcher,
    cache,
    url: upstream.url,
    cacheSeconds: tag.cacheSeconds,
    timeoutMs: beacon.timeoutMs,
  });
  if (!result.ok) {
    log(beacon, `tag ${result.reason}`);
    return text(502, "The tag could not be fetched.");
  }
  return request.method === "HEAD" ? new Response(null, { headers: result.response.headers }) : result.response;
}

/**
 * The upstream tag URL from the request's query: only the policy's parameters, once each, each
 * matching its pattern, in policy order (so equal requests share one cache entry).
 */
export function tagUpstreamUrl(tag: CompiledTag, search: string): { url: string } | { error: string } {
  if (FORBIDDEN_CHARS.test(decodeSafe(search))) return { error: "CR, LF or NUL in the query" };
  const given = new URLSearchParams(search);
  const seen = new Set<string>();
  for (const name of given.keys()) {
    if (seen.has(name)) return { error: "a parameter given twice" };
    seen.add(name);
    if (!tag.query.some(([n]) => n === name)) return { error: "a parameter the policy does not pass on" };
  }
  const out = new URLSearchParams();
  for (const [name, pattern] of tag.query) {
    const value = given.get(name);
    if (value === null) {
      if (tag.required.includes(name)) return { error: `${name} is required` };
      continue;
    }
    if (!pattern.test(value)) return { error: `${name} does not match the policy` };
    out.set(name, value);
  }
  const query = out.toString();
  return { url: query ? `${tag.upstream}?${query}` : tag.upstream };
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isRateLimit(value: unknown): value is RateLimit {
  return typeof value === "object" && value !== null && typeof (value as RateLimit).limit === "function";
}
