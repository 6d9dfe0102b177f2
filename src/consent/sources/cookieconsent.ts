/**
 * orestbida/cookieconsent v3 `cc_cookie`: `encodeURIComponent(JSON.stringify(...))` of
 *
 *   {"categories":["necessary","analytics"],"revision":0,"data":null,"consentTimestamp":"2024-03-29T14:18:19.878Z",
 *    "consentId":"…","services":{…},"lastConsentTimestamp":"…","expirationTime":1747854156824}
 *
 * (src/utils/cookies.js `setCookie`; fields in docs/reference/api-reference.md `getCookie`). A
 * granted category is one listed in `categories`. The v2 format (`level`) is not read. Pure.
 */
import type { SourceOf } from "../../policy/consent-sources";
import { cookieValue, isFresh, mappedPurposes, percentDecode, type SourceContext, type SourceReading } from "./common";

const CATEGORY = /^[A-Za-z0-9_-]{1,64}$/;

export function readCookieConsentSource(source: SourceOf<"cookieconsent">, ctx: SourceContext): SourceReading {
  const found = cookieValue(ctx.cookieHeader, source.cookie);
  if (found.state !== "present") return found;
  const text = found.value.startsWith("{") ? found.value : percentDecode(found.value);
  if (text === null || !text.startsWith("{")) return { state: "invalid", reason: "not URL-encoded JSON" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: "invalid", reason: "not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { state: "invalid", reason: "not an object" };
  const cookie = parsed as Record<string, unknown>;
  const categories = cookie.categories;
  if (!Array.isArray(categories) || !categories.every((c) => typeof c === "string" && CATEGORY.test(c)))
    return { state: "invalid", reason: "categories is not a list of names" };
  if (source.revision !== undefined && cookie.revision !== source.revision)
    return { state: "outdated", reason: "another revision" };
  if (cookie.expirationTime !== undefined) {
    if (typeof cookie.expirationTime !== "number" || !Number.isFinite(cookie.expirationTime))
      return { state: "invalid", reason: "expirationTime is not a time" };
    if (cookie.expirationTime <= ctx.now * 1000) return { state: "outdated", reason: "expired" };
  }
  const stamp = cookie.lastConsentTimestamp ?? cookie.consentTimestamp;
  if (stamp !== undefined) {
    const at = typeof stamp === "string" ? Date.parse(stamp) : Number.NaN;
    if (!Number.isFinite(at)) return { state: "invalid", reason: "consent timestamp is not a date" };
    if (!isFresh(Math.floor(at / 1000), ctx)) return { state: "outdated", reason: "expired" };
  }
  const granted = new Set(categories as string[]);
  return { state: "valid", purposes: mappedPurposes(source.map, (c) => granted.has(c)) };
}
