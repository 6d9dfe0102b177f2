/**
 * Stripping one GA4-style hit: the query string's parameters and each line of a POST body, as
 * gtag sends them (`v=2&tid=G-…&cid=…&en=page_view`). Pure: a hit in, the hit to forward out.
 *
 * For each parameter, in order: the state's rules (keep / remove / others) decide whether it goes
 * at all; a page-URL parameter (`dl`, `dr`) loses its fragment, credentials and every query
 * parameter the URL rules do not keep; a parameter the PII rules cover is dropped whole when its
 * value looks like an email, henkilötunnus, phone number or IBAN. Then the state's `set` values
 * replace whatever the hit said for those names.
 */

import { forwards, inList, type ParamRules } from "../match/param-rules";
import type { CompiledBeacon, StateRules } from "../policy/beacons";
import { findPii } from "./pii";

export type Params = Array<[string, string]>;

/** CR, LF and NUL never go upstream, in any name or value. */
export const FORBIDDEN_CHARS = /[\r\n\0]/;

/** `a=1&b=2` decoded; null when a name or value holds CR, LF or NUL. */
export function parseParams(text: string): Params | null {
  if (FORBIDDEN_CHARS.test(text)) return null;
  const out: Params = [];
  for (const [name, value] of new URLSearchParams(text)) {
    if (FORBIDDEN_CHARS.test(name) || FORBIDDEN_CHARS.test(value)) return null;
    out.push([name, value]);
  }
  return out;
}

/** Encoded as gtag encodes (encodeURIComponent: a space is %20, never +). */
export function serializeParams(params: Params): string {
  return params.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join("&");
}

/** A page URL with fragment, credentials and unkept query parameters removed; null if not http(s). */
export function stripUrl(value: string, rules: ParamRules): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.username = "";
  url.password = "";
  url.hash = "";
  const kept: Params = [...url.searchParams].filter(([name]) => forwards(rules, name));
  url.search = kept.length ? `?${serializeParams(kept)}` : "";
  return url.href;
}

/** The parameters of one hit (query or body line) that may be forwarded in this state. */
export function stripParams(params: Params, beacon: CompiledBeacon, state: StateRules): Params {
  const setNames = new Set(state.set.map(([n]) => n.toLowerCase()));
  const out: Params = [];
  for (const [name, raw] of params) {
    if (!forwards(state.params, name) || setNames.has(name.toLowerCase())) continue;
    let value = raw;
    if (beacon.urls && inList(beacon.urls.params, name)) {
      const stripped = stripUrl(value, beacon.urls.query);
      if (stripped === null) continue;
      value = stripped;
    }
    if (beacon.pii && inList(beacon.pii.params, name) && findPii(value, beacon.pii.detect)) continue;
    out.push([name, value]);
  }
  return out;
}
