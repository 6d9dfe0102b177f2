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
 * behalf. Browsers send Origin on every POST and Sec-Fetch-Site where they support it.
 * https://developer.mozilla.org/docs/Web/HTTP/Headers/Sec-Fetch-Site
 */
export function isSameOriginPost(headers: Headers, siteOrigin: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return false;
  const origin = headers.get("origin");
  if (origin !== null) return origin === siteOrigin;
  return true;
}
