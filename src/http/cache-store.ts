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
 * Recent entries are also held in the isolate's memory, in front of the Cache API (below).
 */

/** The entry's own headers, removed before a hit goes out. */
const OWN_CACHE_CONTROL = "x-gk-cache-control";
const OWN_VARY = "x-gk-vary";
const STORED_AT = "x-gk-stored-at";
/** On an origin-varied page's first-level entry: the request headers its second-level key holds. */
const VARY_NAMES = "x-gk-vary-names";

export type Lookup = { page: Response } | { vary: string[] } | null;

/**
 * The isolate's own copies of recent entries, in front of the Cache API: a hit then needs no
 * Cache API round trip (a subrequest, and on the bench's Miniflare most of a hit's CPU). The same
 * keys and lifetimes as the Cache API's entries, so it can never be staler than they are; bounded
 * in bytes, oldest first out. One per Cache object, so that a test's fresh cache starts empty.
 */
interface Held {
  /** The page as a Blob: immutable, so every response can read it without a copy of its own. */
  entry: { vary: string[] } | { status: number; headers: Array<[string, string]>; body: Blob };
  bytes: number;
  /** ms since the epoch. */
  expires: number;
}
const HELD_BYTES = 16 * 1024 * 1024;
const HELD_ENTRY_BYTES = 4 * 1024 * 1024;
const memories = new WeakMap<Cache, { entries: Map<string, Held>; bytes: number }>();

function memoryOf(cache: Cache) {
  let memory = memories.get(cache);
  if (!memory) {
    memory = { entries: new Map(), bytes: 0 };
    memories.set(cache, memory);
  }
  return memory;
}

function hold(cache: Cache, key: string, entry: Held["entry"], bytes: number, expires: number): void {
  if (bytes > HELD_ENTRY_BYTES) return;
  const memory = memoryOf(cache);
  forget(memory, key);
  memory.entries.set(key, { entry, bytes, expires });
  memory.bytes += bytes;
  for (const [old, held] of memory.entries) {
    if (memory.bytes <= HELD_BYTES) break;
    memory.entries.delete(old);
    memory.bytes -= held.bytes;
  }
}

function forget(memory: { entries: Map<string, Held>; bytes: number }, key: string): void {
  const held = memory.entries.get(key);
  if (!held) return;
  memory.entries.delete(key);
  memory.bytes -= held.bytes;
}

function recall(cache: Cache, key: string, now: number): Lookup {
  const memory = memories.get(cache);
  const held = memory?.entries.get(key);
  if (!memory || !held) return null;
  if (held.expires <= now) {
    forget(memory, key);
    return null;
  }
  if ("vary" in held.entry) return { vary: held.entry.vary };
  return { page: new Response(held.entry.body, { status: held.entry.status, headers: held.entry.headers }) };
}

/** The entry under this key: a page, the names of a varied page's headers, or nothing. */
export async function lookup(cache: Cache, key: string, now: number): Promise<Lookup> {
  const held = recall(cache, key, now);
  if (held) return held;
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
  const expires = entry.now + entry.ttl * 1000;
  if (entry.base) {
    const record = new Headers({ "cache-control": `s-maxage=${entry.ttl}`, [VARY_NAMES]: entry.base.vary.join(",") });
    hold(cache, entry.base.key, { vary: entry.base.vary }, 256, expires);
    await cache.put(entry.base.key, new Response(null, { status: 200, headers: record }));
  }
  hold(cache, entry.key, { status: 200, headers: [...headers], body: new Blob([page]) }, page.byteLength, expires);
  await cache.put(entry.key, new Response(page, { status: 200, headers }));
}
