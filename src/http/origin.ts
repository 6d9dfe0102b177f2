/**
 * The one place that calls the origin. Forwards the visitor's request with method, path,
 * query, body and headers intact, minus hop-by-hop headers, and never follows redirects.
 * fetch is injected (as in hono's proxy helper) so tests can watch what goes out.
 */
import { withoutHopByHop } from "./hop-by-hop";

export interface OriginOptions {
  /** `ORIGIN` var; unset means the request URL's own host (the zone's origin on a route). */
  origin?: string;
  timeoutMs: number;
  /** Request headers to drop or replace, decided by consent rules. */
  editHeaders?: (headers: Headers) => void;
  fetch: typeof fetch;
}

export type OriginResult = { ok: true; response: Response } | { ok: false; status: 502 | 504; reason: string };

/**
 * Encodings the Workers runtime decodes on its own, so the rewriter reads plain HTML. The origin
 * is asked for nothing else. https://developers.cloudflare.com/workers/runtime-apis/response/
 */
export const DECODABLE_ENCODINGS = ["gzip", "br"] as const;

/** The visitor's Accept-Encoding narrowed to what the runtime decodes, or `identity`. */
export function limitAcceptEncoding(header: string | null): string {
  const weights = new Map<string, number>();
  for (const part of (header ?? "").split(",")) {
    const [rawName = "", ...params] = part.toLowerCase().split(";");
    const name = rawName.trim();
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name) weights.set(name, q ? Number(q.slice(2)) : 1);
  }
  // An explicit weight for a coding beats the wildcard (RFC 9110 §12.5.3): `*, gzip;q=0` refuses gzip.
  const accepted = DECODABLE_ENCODINGS.filter((e) => {
    const q = weights.get(e) ?? weights.get("*") ?? 0;
    return Number.isFinite(q) && q > 0;
  });
  return accepted.length ? accepted.join(", ") : "identity";
}

export function originUrl(requestUrl: URL, origin: string | undefined): URL {
  if (!origin) return new URL(requestUrl);
  const target = new URL(origin);
  target.pathname = requestUrl.pathname;
  target.search = requestUrl.search;
  return target;
}

export async function forwardToOrigin(request: Request, options: OriginOptions): Promise<OriginResult> {
  const requestUrl = new URL(request.url);
  const target = originUrl(requestUrl, options.origin);
  const headers = withoutHopByHop(request.headers);
  headers.set("accept-encoding", limitAcceptEncoding(request.headers.get("accept-encoding")));
  if (options.origin) {
    headers.set("x-forwarded-host", requestUrl.host);
    headers.set("x-forwarded-proto", requestUrl.protocol.slice(0, -1));
  }
  options.editHeaders?.(headers);

  // The timeout covers waiting for the response head only; a long body may stream on.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    const response = await options.fetch(target.toString(), {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      redirect: "manual",
      signal: controller.signal,
    });
    return { ok: true, response };
  } catch (error) {
    if (timedOut) return { ok: false, status: 504, reason: `origin did not answer within ${options.timeoutMs} ms` };
    return { ok: false, status: 502, reason: `origin unreachable: ${error instanceof Error ? error.name : "error"}` };
  } finally {
    clearTimeout(timer);
  }
}
