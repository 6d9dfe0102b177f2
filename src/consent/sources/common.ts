/**
 * What every consent source adapter shares: the reading it returns, the request facts it reads,
 * and the strict helpers (one cookie by name, freshness, category mapping). Pure.
 */
import type { SiteFile } from "../../policy/schema";
import type { ConsentCookie } from "../cookie";
import { type CookieValue, cookieValue as readCookie } from "../cookie-header";

export type { CookieValue };

/**
 * What one source says about a request. Only `valid` decides; every other state is skipped and
 * the next source in the site's priority order is asked.
 * - `absent`: the source's cookie is not there.
 * - `invalid`: present but unreadable, duplicated or oversized: never trusted.
 * - `outdated`: readable, but given to another policy version or revision, or too old.
 * - `unanswered`: readable, but not an active choice (Cookiebot's `-1` or implied consent,
 *   OneTrust without interaction), as the site's options say.
 */
export type SourceReading =
  | { state: "absent" }
  | { state: "invalid"; reason: string }
  | { state: "outdated"; reason: string }
  | { state: "unanswered"; reason: string }
  | { state: "valid"; purposes: string[]; consent?: ConsentCookie };

export interface SourceContext {
  /** The request's Cookie header. */
  cookieHeader: string | null;
  /** Unix seconds. */
  now: number;
  site: Pick<SiteFile, "version"> & { consent: Pick<SiteFile["consent"], "cookie" | "lifetimeDays"> };
}

/** Clock skew tolerated on a consent's time. */
export const SKEW_SECONDS = 24 * 60 * 60;
/** Browsers keep at most 4096 bytes per cookie; anything longer was not written by a consent manager. */
export const MAX_SOURCE_COOKIE = 4096;

/** The value of the one cookie called `name` (see ../cookie-header.ts), at most 4096 bytes. */
export function cookieValue(header: string | null, name: string): CookieValue {
  return readCookie(header, name, MAX_SOURCE_COOKIE);
}

/** RFC 6265 §5.2 trims spaces and tabs only. */

/** Issued no more than a day ahead and no longer ago than the site's consent lifetime. */
export function isFresh(issuedAt: number, ctx: SourceContext): boolean {
  return issuedAt <= ctx.now + SKEW_SECONDS && issuedAt >= ctx.now - ctx.site.consent.lifetimeDays * 86400;
}

/**
 * Our purposes a source allows: those whose every mapped category is granted. A purpose the map
 * does not name is not allowed; an empty category list never allows (the schema requires one).
 */
export function mappedPurposes(
  map: Readonly<Record<string, readonly string[]>>,
  granted: (category: string) => boolean,
): string[] {
  return Object.entries(map)
    .filter(([, categories]) => categories.length > 0 && categories.every(granted))
    .map(([purpose]) => purpose)
    .sort();
}

/** decodeURIComponent, or null for a malformed escape. */
export function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
