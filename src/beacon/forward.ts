/**
 * The one place that calls a vendor's upstream. fetch is injected (AppOptions.vendorFetch), so
 * tests see exactly what went out. Redirects are never followed: a 3xx is an answer, not a hop.
 */
import type { UpstreamRequest } from "./request";

export type UpstreamResult = { ok: true; response: Response } | { ok: false; reason: string };

export async function sendUpstream(
  fetcher: typeof fetch,
  request: UpstreamRequest,
  timeoutMs: number,
): Promise<UpstreamResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetcher(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: controller.signal,
    });
    return { ok: true, response };
  } catch (error) {
    return {
      ok: false,
      reason: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `unreachable (${error instanceof Error ? error.name : "error"})`,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Sends a stripped hit; the status it got, or why it got none. Never throws. */
export async function forwardHit(
  fetcher: typeof fetch,
  request: UpstreamRequest,
  timeoutMs: number,
): Promise<{ status: number } | { error: string }> {
  const result = await sendUpstream(fetcher, request, timeoutMs);
  if (!result.ok) return { error: result.reason };
  await result.response.body?.cancel().catch(() => {});
  return { status: result.response.status };
}

/** The largest tag the edge will cache and serve (gtag.js is a few hundred KB). */
export const MAX_TAG_BYTES = 4 * 1024 * 1024;

export interface TagOptions {
  fetcher: typeof fetch;
  cache: Cache | undefined;
  /** The upstream URL, query rebuilt from the policy's allowed parameters only. */
  url: string;
  cacheSeconds: number;
  timeoutMs: number;
}

export type TagResult = { ok: true; response: Response; cached: boolean } | { ok: false; reason: string };

/**
 * The tag from the Cache API, or fetched upstream (no client headers at all) and cached for
 * `cacheSeconds`. Only a 200 JavaScript answer is served or cached.
 */
export async function fetchTag(options: TagOptions): Promise<TagResult> {
  const key = new Request(options.url, { method: "GET" });
  const hit = options.cache ? await options.cache.match(key) : undefined;
  if (hit) return { ok: true, response: hit, cached: true };
  const result = await sendUpstream(
    options.fetcher,
    { method: "GET", url: options.url, headers: { accept: "*/*" } },
    options.timeoutMs,
  );
  if (!result.ok) return result;
  const upstream = result.response;
  const type = upstream.headers.get("content-type") ?? "";
  if (upstream.status !== 200 || !/javascript|ecmascript/i.test(type)) {
    await upstream.body?.cancel().catch(() => {});
    return { ok: false, reason: `upstream answered ${upstream.status} ${type.split(";")[0] || "(no type)"}` };
  }
  const body = await upstream.arrayBuffer();
  if (body.byteLength > MAX_TAG_BYTES) return { ok: false, reason: "upstream tag too large" };
  const response = new Response(body, {
    headers: {
      "content-type": type,
      "cache-control": `public, max-age=${options.cacheSeconds}`,
      "x-content-type-options": "nosniff",
    },
  });
  if (options.cache && options.cacheSeconds > 0) await options.cache.put(key, response.clone());
  return { ok: true, response, cached: false };
}
