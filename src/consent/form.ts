/**
 * The consent form (POST /__gk/consent), as the contract gives it: `allow=all`, `allow=none`,
 * or one `allow=<purpose>` per purpose; optional `return=<same-site path>`. Pure.
 */
import { PURPOSE_ID } from "../policy/schema";

export type ConsentForm = { ok: true; purposes: string[]; returnTo: string } | { ok: false; error: string };

export const MAX_FORM_BYTES = 8 * 1024;
const MAX_FIELDS = 64;

export function parseConsentForm(
  fields: ReadonlyArray<readonly [string, string]>,
  purposes: ReadonlyArray<{ id: string; required: boolean }>,
  siteOrigin: string,
): ConsentForm {
  if (fields.length > MAX_FIELDS) return { ok: false, error: "too many fields" };
  const allow = fields.filter(([k]) => k === "allow").map(([, v]) => v);
  const returns = fields.filter(([k]) => k === "return").map(([, v]) => v);
  if (allow.length === 0)
    return { ok: false, error: 'missing "allow": send allow=all, allow=none, or allow=<purpose>' };
  if (returns.length > 1) return { ok: false, error: 'more than one "return"' };
  const required = purposes.filter((p) => p.required).map((p) => p.id);
  const known = new Set(purposes.map((p) => p.id));
  let chosen: string[];
  if (allow.includes("all") || allow.includes("none")) {
    if (allow.length > 1) return { ok: false, error: "allow=all and allow=none stand alone" };
    chosen = allow[0] === "all" ? purposes.map((p) => p.id) : required;
  } else {
    const bad = allow.find((a) => !PURPOSE_ID.test(a));
    if (bad !== undefined)
      return { ok: false, error: `"allow" value is not a purpose id: ${JSON.stringify(bad.slice(0, 40))}` };
    // A well-formed id the policy no longer has (an old cached banner) is dropped, never trusted.
    chosen = [...new Set([...required, ...allow.filter((a) => known.has(a))])];
  }
  return { ok: true, purposes: chosen.sort(), returnTo: safeReturnPath(returns[0], siteOrigin) };
}

/**
 * A same-site path or "/". Rejects absolute and scheme-relative URLs, backslashes (browsers
 * read `/\evil.example` as `//evil.example`) and control characters: no open redirect.
 */
export function safeReturnPath(value: string | undefined, siteOrigin: string): string {
  if (!value || value.length > 2048 || !value.startsWith("/") || value.includes("\\") || hasControl(value)) return "/";
  if (value.startsWith("//")) return "/";
  try {
    const url = new URL(value, siteOrigin);
    if (url.origin !== new URL(siteOrigin).origin) return "/";
    const path = url.pathname + url.search + url.hash;
    // Dot segments can leave an empty first segment (`/.//evil.example` is `//evil.example`).
    return path.startsWith("//") ? "/" : path;
  } catch {
    return "/";
  }
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Cross-site posts are refused: a third party must not be able to give consent on the visitor's
 * behalf. A post must prove it comes from the site itself:
 *
 * - `Sec-Fetch-Site`, where present, must be `same-origin` (or `none`: typed or bookmarked); a
 *   page cannot set it (https://www.w3.org/TR/fetch-metadata/);
 * - `Origin`, where present, must be the site's; browsers send it on every POST
 *   (https://fetch.spec.whatwg.org/#origin-header), `null` included from sandboxed and opaque
 *   contexts, which is refused;
 * - with neither, the `Referer` must be a page of the site: an old browser without Fetch
 *   Metadata that still omits Origin sends it. A post carrying none of the three is refused,
 *   since nothing shows where it came from.
 */
export function isSameOriginPost(headers: Headers, siteOrigin: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (origin !== null) return origin === siteOrigin;
  if (site !== null) return true;
  return isSameOriginUrl(headers.get("referer"), siteOrigin);
}

function isSameOriginUrl(value: string | null, siteOrigin: string): boolean {
  if (!value) return false;
  try {
    return new URL(value).origin === siteOrigin;
  } catch {
    return false;
  }
}
