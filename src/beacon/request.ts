/**
 * The beacon decision, pure: an incoming hit request and the consent Decision's verdict in, and
 * exactly what goes upstream (method, URL, headers, body) out, or why nothing does.
 *
 * Headers are built from nothing, never copied: the visitor's cookies, X-Forwarded-For,
 * CF-Connecting-IP, True-Client-IP, X-Real-IP, Forwarded, Sec-CH-UA* and every other header stay
 * behind. Upstream gets a User-Agent reduced to browser family and major version, a Referer of the
 * site's origin only (and only when the hit came from the site itself), and a Content-Type for
 * a body. The upstream URL is the policy's, never anything from the request.
 */
import { mediaType } from "../match/media-type";
import type { CompiledBeacon } from "../policy/beacons";
import { FORBIDDEN_CHARS, type Params, parseParams, serializeParams, stripParams } from "./hit";
import { truncateIp } from "./ip";
import { reduceUserAgent } from "./user-agent";

export interface BeaconRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The decoded POST body; "" for GET. */
  body: string;
  /** From the Decision: the beacon vendor's purpose is allowed. */
  allowed: boolean;
}

export interface UpstreamRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export type BeaconPlan =
  | { kind: "forward"; state: "consented" | "anonymous"; upstream: UpstreamRequest }
  /** Answer 204 and send nothing. */
  | { kind: "drop"; reason: string }
  | { kind: "reject"; status: 400 | 405 | 415; reason: string };

/** gtag separates the hits of one POST with newlines. */
const LINE_BREAK = /\r?\n/;

function reject(status: 400 | 405 | 415, reason: string): BeaconPlan {
  return { kind: "reject", status, reason };
}

export function planBeacon(beacon: CompiledBeacon, req: BeaconRequest): BeaconPlan {
  if (req.method !== "GET" && req.method !== "POST") return reject(405, "method not allowed");
  // The path as the visitor sent it, byte for byte: no encoded, doubled or extra segments.
  if (req.url.pathname !== beacon.collect.path) return reject(400, "not the beacon path");
  if (req.url.username || req.url.password) return reject(400, "credentials in the URL");
  if (req.method === "POST") {
    const type = mediaType(req.headers.get("content-type"));
    if (type && type !== "text/plain") return reject(415, "send hits as text/plain");
  }
  const query = parseParams(req.url.search.slice(1));
  if (query === null) return reject(400, "CR, LF or NUL in the query");
  const lines: Params[] = [];
  for (const line of req.body.split(LINE_BREAK)) {
    if (!line) continue;
    const params = parseParams(line);
    if (params === null) return reject(400, "CR, LF or NUL in the body");
    lines.push(params);
  }
  if (!query.length && !lines.length) return reject(400, "no hit");

  const state = req.allowed ? "consented" : beacon.withoutConsent === "anonymous" ? "anonymous" : null;
  const rules = state === "consented" ? beacon.consented : state === "anonymous" ? beacon.anonymous : undefined;
  if (!state || !rules) return { kind: "drop", reason: "no consent" };

  const upstreamQuery = stripParams(query, beacon, rules);
  upstreamQuery.push(...rules.set.map(([n, v]) => [n, v] as [string, string]));
  if (state === "consented" && beacon.ip.truncate) {
    const truncated = truncateIp(req.headers.get("cf-connecting-ip"));
    if (truncated) upstreamQuery.push([beacon.ip.param, truncated]);
  }
  const upstreamLines = lines.map((l) => stripParams(l, beacon, rules)).filter((l) => l.length > 0);
  for (const [, value] of [...upstreamQuery, ...upstreamLines.flat()])
    if (FORBIDDEN_CHARS.test(value)) return reject(400, "CR, LF or NUL after stripping");

  const headers: Record<string, string> = { "user-agent": reduceUserAgent(req.headers.get("user-agent")) };
  const referer = sameOriginReferer(req.headers.get("referer"), req.url);
  if (referer) headers.referer = referer;
  const search = upstreamQuery.length ? `?${serializeParams(upstreamQuery)}` : "";
  const upstream: UpstreamRequest = {
    method: req.method === "POST" ? "POST" : "GET",
    url: beacon.collect.upstream + search,
    headers,
  };
  if (upstreamLines.length) {
    upstream.method = "POST";
    upstream.body = upstreamLines.map(serializeParams).join("\r\n");
    headers["content-type"] = "text/plain;charset=UTF-8";
  }
  return { kind: "forward", state, upstream };
}

/** The site's origin (`https://example.fi/`) when the Referer is on the site; otherwise none. */
function sameOriginReferer(header: string | null, requestUrl: URL): string | null {
  if (!header) return null;
  try {
    return new URL(header).origin === requestUrl.origin ? `${requestUrl.origin}/` : null;
  } catch {
    return null;
  }
}
