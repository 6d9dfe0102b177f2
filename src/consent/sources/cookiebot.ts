/**
 * Cookiebot's `CookieConsent` cookie. Not JSON: a JavaScript object literal with unquoted keys and
 * single-quoted strings, URL-encoded by the browser's cookie API:
 *
 *   {stamp:'…',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:1724770548958,region:'de'}
 *
 * `0` means necessary only; `-1` means Cookiebot found that the visitor's region needs no consent
 * (https://www.cookiebot.com/en/developer/, "server side usage"). `method` is `explicit` or
 * `implied`; an old consent without it counts as implied, as Cookiebot's own API says. Pure.
 */
import type { SourceOf } from "../../policy/consent-sources";
import { cookieValue, isFresh, mappedPurposes, percentDecode, type SourceContext, type SourceReading } from "./common";

type Scalar = boolean | number | string | null;

const KEY = `(?:[A-Za-z_][A-Za-z0-9_]{0,63}|"[A-Za-z_][A-Za-z0-9_]{0,63}"|'[A-Za-z_][A-Za-z0-9_]{0,63}')`;
const VALUE = String.raw`(?:true|false|null|-?\d{1,16}(?:\.\d{1,16})?|'[^'\\]{0,2048}'|"[^"\\]{0,2048}")`;
const PAIR = new RegExp(`(${KEY}):(${VALUE})`, "y");

/** The object literal as flat key → scalar, or null when it is anything else (nesting, duplicates, junk). */
export function parseCookiebotObject(text: string): Map<string, Scalar> | null {
  if (!text.startsWith("{") || !text.endsWith("}")) return null;
  const body = text.slice(1, -1);
  const out = new Map<string, Scalar>();
  let at = 0;
  while (at < body.length) {
    PAIR.lastIndex = at;
    const m = PAIR.exec(body);
    if (!m) return null;
    const key = (m[1] as string).replace(/^["']|["']$/g, "");
    if (out.has(key)) return null;
    out.set(key, scalar(m[2] as string));
    at = PAIR.lastIndex;
    if (at < body.length) {
      if (body[at] !== ",") return null;
      at++;
      if (at === body.length) return null;
    }
  }
  return out;
}

function scalar(raw: string): Scalar {
  if (raw === "true") return true;
  if (raw === "false") return false;
  if (raw === "null") return null;
  if (raw.startsWith("'") || raw.startsWith('"')) return raw.slice(1, -1);
  return Number(raw);
}

const CATEGORIES = ["necessary", "preferences", "statistics", "marketing"] as const;

export function readCookiebotSource(source: SourceOf<"cookiebot">, ctx: SourceContext): SourceReading {
  const found = cookieValue(ctx.cookieHeader, source.cookie);
  if (found.state !== "present") return found;
  const raw = found.value;
  if (raw === "0") return { state: "valid", purposes: [] };
  if (raw === "-1")
    return source.notRequired === "allow"
      ? { state: "valid", purposes: mappedPurposes(source.map, () => true) }
      : { state: "unanswered", reason: "consent not required in the visitor's region (-1)" };
  const text = raw.includes("%") ? percentDecode(raw) : raw;
  if (text === null) return { state: "invalid", reason: "malformed URL encoding" };
  const fields = parseCookiebotObject(text);
  if (!fields) return { state: "invalid", reason: "not a Cookiebot consent object" };
  // Each category must be a boolean: anything else is not Cookiebot's format.
  if (CATEGORIES.some((c) => typeof fields.get(c) !== "boolean"))
    return { state: "invalid", reason: "a category is missing or not a boolean" };
  const method = fields.get("method");
  if (method !== undefined && method !== "explicit" && method !== "implied")
    return { state: "invalid", reason: "unknown method" };
  if ((method ?? "implied") === "implied" && source.implied === "skip")
    return { state: "unanswered", reason: "implied consent" };
  const utc = fields.get("utc");
  if (utc !== undefined) {
    if (typeof utc !== "number" || !Number.isSafeInteger(utc)) return { state: "invalid", reason: "utc is not a time" };
    if (!isFresh(Math.floor(utc / 1000), ctx)) return { state: "outdated", reason: "expired" };
  }
  return { state: "valid", purposes: mappedPurposes(source.map, (c) => fields.get(c) === true) };
}
