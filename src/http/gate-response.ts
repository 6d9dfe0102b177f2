/**
 * What happens to the origin's response on its way to the visitor: header hygiene for every
 * response, and tag removal for HTML documents only.
 */
import { setCookieName } from "../consent/withdrawal";
import { CSP_REPORT_PATH, REPORTING_GROUP } from "../csp/header";
import type { RewritePlan } from "../html/plan";
import { rewriteHtml } from "../html/rewriter";
import { mediaType } from "../match/media-type";
import { errorPage } from "./error-page";
import { withoutHopByHop } from "./hop-by-hop";
import { filterLinkHeader } from "./link-header";
import { DECODABLE_ENCODINGS } from "./origin";

export interface GateOptions {
  method: string;
  /** Where the visitor sent the request, e.g. https://example.fi. */
  publicOrigin: string;
  /** The ORIGIN var, when set: its absolute redirects are pointed back at publicOrigin. */
  origin?: string;
  /** Null when the decision refuses nothing: the page streams through untouched. */
  plan: RewritePlan | null;
  /** Link header targets to drop; absent, Link headers pass as they came. */
  isRefusedUrl?: (target: string) => boolean;
  /** Consent rules for cookies: origin Set-Cookies to drop, and expiries to add. */
  cookies?: { drop: (name: string) => boolean; expire: readonly string[] };
  /** The names of request headers the page's injected content depends on, for Vary. */
  varyOn?: readonly string[];
  /** What the consent-bucket cache did, for `X-Gatekeeper-Cache` on an HTML page. */
  cacheStatus?: string;
  /** The decision's CSP for an HTML page, added beside the origin's own (which is kept). */
  csp?: { header: string; value: string; reportingEndpoints: boolean };
  /**
   * Shadow mode: the plan runs dry, and the response keeps every header and byte the origin sent
   * (only hop-by-hop headers go, as for any proxy).
   */
  shadow?: boolean;
}

export interface GateResult {
  response: Response;
  /** True when the body streams through the rewriter (its plan's onEnd will be called). */
  rewritten: boolean;
}

/** Statuses that carry no body to rewrite (204, 205, 304) or only part of one (206). */
const NOT_REWRITTEN = new Set([204, 205, 206, 304]);

export function isHtml(contentType: string | null): boolean {
  const type = mediaType(contentType);
  return type === "text/html" || type === "application/xhtml+xml";
}

/**
 * The runtime hands the body over decoded only for these encodings; anything else (deflate,
 * zstd, a chain like "gzip, br") would reach the rewriter as bytes it cannot read.
 */
export function isReadableEncoding(header: string | null): boolean {
  const codings = (header ?? "")
    .split(",")
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== "identity");
  return (
    codings.length === 0 ||
    (codings.length === 1 && (DECODABLE_ENCODINGS as readonly string[]).includes(codings[0] ?? ""))
  );
}

export function appendVary(headers: Headers, names: readonly string[]): void {
  const current = (headers.get("vary") ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  if (current.includes("*")) return;
  const lower = current.map((v) => v.toLowerCase());
  for (const name of names) if (!lower.includes(name.toLowerCase())) current.push(name);
  headers.set("vary", current.join(", "));
}

export function gateResponse(response: Response, options: GateOptions): GateResult {
  // A WebSocket handshake is not a document; hand it over as it came.
  if (response.status === 101 || response.webSocket) return { response, rewritten: false };
  const headers = withoutHopByHop(response.headers);
  const pass = (body: ReadableStream | null = response.body): GateResult => ({
    response: new Response(body, { status: response.status, statusText: response.statusText, headers }),
    rewritten: false,
  });

  const link = headers.get("link");
  if (link !== null && options.isRefusedUrl) {
    const kept = filterLinkHeader(link, options.isRefusedUrl);
    if (kept === null) headers.delete("link");
    else headers.set("link", kept);
  }

  const location = headers.get("location");
  if (options.origin && location) {
    try {
      const target = new URL(location, options.origin);
      if (target.origin === new URL(options.origin).origin) {
        headers.set("location", options.publicOrigin + target.pathname + target.search + target.hash);
      }
    } catch {
      // An unparsable Location goes back as the origin sent it.
    }
  }

  if (options.cookies) {
    const { drop, expire } = options.cookies;
    const kept = headers.getSetCookie().filter((value) => !drop(setCookieName(value)));
    headers.delete("set-cookie");
    for (const value of [...kept, ...expire]) headers.append("set-cookie", value);
  }

  const init = { status: response.status, statusText: response.statusText, headers };
  const html = isHtml(headers.get("content-type"));
  const rewritable =
    html &&
    options.method !== "HEAD" &&
    !NOT_REWRITTEN.has(response.status) &&
    response.body !== null &&
    !headers.has("content-range");

  if (options.shadow) {
    // Same bytes out as in: Content-Length stays true. An unreadable encoding is not judged.
    if (!rewritable || !options.plan || !isReadableEncoding(headers.get("content-encoding"))) return pass();
    return { response: rewriteHtml(new Response(response.body, init), options.plan), rewritten: true };
  }
  if (!html) return pass();

  // The page depends on the visitor's consent: no shared cache may serve it to someone else.
  appendVary(headers, options.varyOn ?? []);
  if (options.cacheStatus) headers.set("x-gatekeeper-cache", options.cacheStatus);
  if (options.csp) {
    headers.append(options.csp.header, options.csp.value);
    if (options.csp.reportingEndpoints) headers.set("reporting-endpoints", `${REPORTING_GROUP}="${CSP_REPORT_PATH}"`);
  }
  if (!rewritable || options.plan === null) return pass();
  if (!isReadableEncoding(headers.get("content-encoding"))) {
    // Never pass bytes through that the rewriter cannot read.
    response.body?.cancel().catch(() => {});
    console.error(
      `tag-gatekeeper: refused an HTML response with Content-Encoding "${headers.get("content-encoding")}"`,
    );
    return { response: errorPage(502), rewritten: false };
  }
  headers.delete("content-length");
  // The rewritten body is decoded HTML: re-encoding it in the worker would buffer the stream.
  headers.delete("content-encoding");
  return { response: rewriteHtml(new Response(response.body, init), options.plan), rewritten: true };
}
