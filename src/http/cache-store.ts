/**
 * The consent-bucket cache's storage: the Cache API (caches.default), and nothing else. What may
 * be stored, for how long and under which key is decided in ./page-cache.ts; this module only
 * reads and writes entries, and turns a stored page back into the response a miss would have given.
 * https://developers.cloudflare.com/workers/runtime-apis/cache/
 *
 * An entry is the gated page with the headers every visitor in the bucket gets. What differs per
 * request is added on the way out: the expiry of the visitor's own refused cookies, `Age` and
 * `X-Gatekeeper-Cache`. The stored copy carries its lifetime as `s-maxage` (which the Cache API
 * obeys) and the page's own `Cache-Control` and `Vary` under other names, so that neither the
 * Cache API's handling of `Vary` nor the lifetime the entry is kept for changes what browsers get.
 */

/** The entry's own headers, removed before a hit goes out. */
const OWN_CACHE_CONTROL = "x-gk-cache-control";
const OWN_VARY = "x-gk-vary";
const STORED_AT = "x-gk-stored-at";
/** On an origin-varied page's first-level entry: the request headers its second-level key holds. */
const VARY_NAMES = "x-gk-vary-names";

export type Lookup = { page: Response } | { vary: string[] } | null;

/** The entry under this key: a page, the names of a varied page's headers, or nothing. */
export async function lookup(cache: Cache, key: string): Promise<Lookup> {
  const found = await cache.match(key);
  if (!found) return null;
  const names = found.headers.get(VARY_NAMES);
  if (names !== null) {
    await found.body?.cancel();
    return { vary: names ? names.split(",") : [] };
  }
  return { page: found };
}

/** The stored page as it goes out to this visitor: its headers as the miss sent them, and Age. */
export function fromEntry(
  entry: Response,
  now: number,
  method: string,
): { headers: Headers; body: ReadableStream | null } {
  const headers = new Headers(entry.headers);
  const cacheControl = headers.get(OWN_CACHE_CONTROL);
  const vary = headers.get(OWN_VARY);
  const storedAt = Number(headers.get(STORED_AT));
  for (const name of [OWN_CACHE_CONTROL, OWN_VARY, STORED_AT, "cache-control", "vary", "cf-cache-status", "age"])
    headers.delete(name);
  if (cacheControl !== null) headers.set("cache-control", cacheControl);
  if (vary !== null) headers.set("vary", vary);
  // A shared cache says how long it has held the page (RFC 9111 §5.1).
  if (Number.isFinite(storedAt) && storedAt > 0)
    headers.set("age", String(Math.max(0, Math.floor((now - storedAt) / 1000))));
  if (method === "HEAD") {
    entry.body?.cancel().catch(() => {});
    return { headers, body: null };
  }
  return { headers, body: entry.body };
}

/**
 * Stores the gated page for `ttl` seconds: `headers` are the response's, without what is the
 * visitor's own (Set-Cookie, X-Gatekeeper-Cache). For a page the origin varies, `base` gets the
 * names of its varied headers and `key` the page. The page is read whole before anything is put:
 * a body that errors (an origin gone mid-page, the rewriter failing closed) rejects here, and
 * nothing is stored.
 */
export async function store(
  cache: Cache,
  entry: {
    key: string;
    base?: { key: string; vary: string[] };
    headers: Headers;
    body: ReadableStream;
    ttl: number;
    now: number;
  },
): Promise<void> {
  const page = await new Response(entry.body).arrayBuffer();
  const headers = new Headers(entry.headers);
  for (const name of ["set-cookie", "x-gatekeeper-cache", "age", "content-length"]) headers.delete(name);
  const cacheControl = headers.get("cache-control");
  const vary = headers.get("vary");
  headers.delete("vary");
  if (cacheControl !== null) headers.set(OWN_CACHE_CONTROL, cacheControl);
  if (vary !== null) headers.set(OWN_VARY, vary);
  headers.set(STORED_AT, String(entry.now));
  headers.set("cache-control", `s-maxage=${entry.ttl}`);
  if (entry.base) {
    const record = new Headers({ "cache-control": `s-maxage=${entry.ttl}`, [VARY_NAMES]: entry.base.vary.join(",") });
    await cache.put(entry.base.key, new Response(null, { status: 200, headers: record }));
  }
  await cache.put(entry.key, new Response(page, { status: 200, headers }));
}
