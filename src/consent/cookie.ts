/**
 * The gatekeeper's own consent cookie. Format, version 1 (documented in docs/CONSENT.md "The consent cookie"):
 *
 *   1.<policy version>.<purposes joined by "-">.<issued at, unix seconds>.<consent id>
 *   1.3.necessary-analytics.1764441600.q1w2e3r4t5y6u7i8o9p0aZ
 *
 * Only characters allowed in a cookie-octet (RFC 6265 §4.1.1) are used, so no quoting or
 * escaping is needed. Parsing is strict: anything else is not consent.
 */
import { cookieValue } from "./cookie-header";

export const COOKIE_FORMAT = "1";
/** A v1 value is well under 200 bytes with every purpose; anything longer is not ours. */
export const MAX_COOKIE_VALUE = 256;
const VALUE = /^1\.(\d{1,9})\.([a-z0-9]{1,32}(?:-[a-z0-9]{1,32}){0,31})\.(\d{1,12})\.([A-Za-z0-9_-]{16,43})$/;

export interface ConsentCookie {
  version: number;
  purposes: string[];
  issuedAt: number;
  id: string;
}

export type CookieLookup =
  | { state: "absent" }
  | { state: "invalid"; reason: "duplicate" | "oversized" | "garbled" }
  | { state: "present"; cookie: ConsentCookie };

/**
 * Finds our cookie in a Cookie header. Two cookies of our name (a shadowing attempt from a
 * subdomain, or a stale path) are treated as no consent rather than guessing which is real.
 */
export function readConsentCookie(cookieHeader: string | null, name: string): CookieLookup {
  const found = cookieValue(cookieHeader, name, MAX_COOKIE_VALUE);
  if (found.state === "absent") return found;
  if (found.state === "invalid")
    return { state: "invalid", reason: found.reason === "empty" ? "garbled" : found.reason };
  const cookie = parseConsentValue(found.value);
  return cookie ? { state: "present", cookie } : { state: "invalid", reason: "garbled" };
}

/** RFC 6265 §5.2 trims spaces and tabs only; String.trim would also take U+00A0 and the like. */

export function parseConsentValue(raw: string): ConsentCookie | null {
  const value = raw.startsWith('"') && raw.endsWith('"') && raw.length > 1 ? raw.slice(1, -1) : raw;
  const m = VALUE.exec(value);
  if (!m) return null;
  const [, version, purposes, issuedAt, id] = m as unknown as [string, string, string, string, string];
  return { version: Number(version), purposes: purposes.split("-"), issuedAt: Number(issuedAt), id };
}

export function serializeConsentValue(c: ConsentCookie): string {
  return [COOKIE_FORMAT, c.version, [...new Set(c.purposes)].sort().join("-"), c.issuedAt, c.id].join(".");
}

/** A fresh random consent id: 16 bytes, base64url, 22 characters. */
export function newConsentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export interface SetCookieOptions {
  name: string;
  value: string;
  maxAgeSeconds: number;
  secure: boolean;
}

/** `SameSite=Lax`, `Path=/`, `Secure` on https; readable by the page's own script on purpose. */
export function consentSetCookie(o: SetCookieOptions): string {
  return `${o.name}=${o.value}; Max-Age=${o.maxAgeSeconds}; Path=/; SameSite=Lax${o.secure ? "; Secure" : ""}`;
}
