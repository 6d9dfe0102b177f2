/**
 * Whether a first-party tag endpoint serves a request, and the upstream URL it fetches: one
 * judgement for the endpoint itself (src/beacon/routes.ts) and for re-pointing a page's tag there
 * (src/beacon/repoint.ts), so a tag is re-pointed exactly when the endpoint will serve it. What
 * the endpoint cannot serve stays in the page, kept or removed by its purpose as before.
 *
 * Served when:
 * - the query holds only the policy's parameters, once each, each matching its pattern (else 400);
 * - its id (`tag.idParam`) is one of the site's `measurementIds` (else 404);
 * - every vendor the URL rules give the tag URL to is allowed by the decision (else 403): a
 *   `gtag/js?id=AW-…` is Google Ads' tag and needs marketing, a `G-…` or `GT-…` one analytics.
 *
 * Pure.
 */
import type { Decision } from "../consent/decide";
import { matchUrl } from "../match/url";
import type { CompiledBeacon, CompiledTag } from "../policy/beacons";
import type { CompiledPolicy } from "../policy/compile";
import { FORBIDDEN_CHARS } from "./hit";

export type TagVerdict = { ok: true; url: string } | { ok: false; status: 400 | 403 | 404; reason: string };

export function judgeTagRequest(
  policy: CompiledPolicy,
  beacon: CompiledBeacon,
  tag: CompiledTag,
  search: string,
  decision: Decision,
): TagVerdict {
  const upstream = tagUpstreamUrl(tag, search);
  if ("error" in upstream) return { ok: false, status: 400, reason: upstream.error };
  const id = new URL(upstream.url).searchParams.get(tag.idParam) ?? "";
  if (!decision.site?.measurementIds.includes(id))
    return { ok: false, status: 404, reason: "not one of the site's measurement ids" };
  const vendors = matchUrl(policy.urls, new URL(upstream.url));
  if ((vendors.length ? vendors : [beacon.vendor]).some((v) => decision.refused[v]))
    return { ok: false, status: 403, reason: "its purpose is not allowed" };
  return { ok: true, url: upstream.url };
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
