/**
 * OneTrust's `OptanonConsent` cookie: a URL-encoded query string whose `groups` lists each
 * category with 1 (granted) or 0:
 *
 *   isGpcEnabled=0&datestamp=…&version=202209.1.0&…&interactionCount=1&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1&AwaitingReconsent=false
 *
 * `AwaitingReconsent=true` means OneTrust itself wants to ask again: outdated. With
 * `requireInteraction` (the shipped default) the groups count only once the visitor closed the
 * banner or saved the preference centre, which OneTrust marks with the `OptanonAlertBoxClosed`
 * cookie (an ISO date) and a non-zero `interactionCount`; before that they are OneTrust's region
 * defaults, which no one chose. Pure.
 */
import type { SourceOf } from "../../policy/consent-sources";
import { cookieValue, isFresh, mappedPurposes, type SourceContext, type SourceReading } from "./common";

const GROUPS = /^[A-Za-z0-9_-]{1,64}:[01](,[A-Za-z0-9_-]{1,64}:[01]){0,255}$/;

/** `C0001:1,C0002:0` → group → granted, or null when malformed or a group appears twice. */
export function parseOneTrustGroups(groups: string): Map<string, boolean> | null {
  if (!GROUPS.test(groups)) return null;
  const out = new Map<string, boolean>();
  for (const entry of groups.split(",")) {
    const [id = "", bit] = entry.split(":");
    if (out.has(id)) return null;
    out.set(id, bit === "1");
  }
  return out;
}

export function readOneTrustSource(source: SourceOf<"onetrust">, ctx: SourceContext): SourceReading {
  const found = cookieValue(ctx.cookieHeader, source.cookie);
  if (found.state !== "present") return found;
  if (!/^[\x21-\x7e]+$/.test(found.value)) return { state: "invalid", reason: "not a cookie-octet string" };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(found.value);
  } catch {
    return { state: "invalid", reason: "not a query string" };
  }
  const groupValues = params.getAll("groups");
  if (groupValues.length !== 1) return { state: "invalid", reason: "no single groups field" };
  const groups = parseOneTrustGroups(groupValues[0] as string);
  if (!groups) return { state: "invalid", reason: "malformed groups" };
  const reconsent = params.getAll("AwaitingReconsent");
  if (reconsent.length > 1 || (reconsent.length === 1 && reconsent[0] !== "true" && reconsent[0] !== "false"))
    return { state: "invalid", reason: "malformed AwaitingReconsent" };
  if (reconsent[0] === "true") return { state: "outdated", reason: "OneTrust awaits reconsent" };
  // datestamp is the browser's Date.toString() of the choice; checked when it can be read.
  const stamp = params.getAll("datestamp");
  if (stamp.length > 1) return { state: "invalid", reason: "more than one datestamp" };
  const chosen = stamp.length ? Date.parse(stamp[0] as string) : Number.NaN;
  if (Number.isFinite(chosen) && !isFresh(Math.floor(chosen / 1000), ctx))
    return { state: "outdated", reason: "expired" };
  if (source.requireInteraction) {
    const counts = params.getAll("interactionCount");
    if (counts.length > 1 || (counts.length === 1 && !/^\d{1,9}$/.test(counts[0] as string)))
      return { state: "invalid", reason: "malformed interactionCount" };
    if (counts.length === 1 && Number(counts[0]) < 1) return { state: "unanswered", reason: "no interaction" };
    const closed = cookieValue(ctx.cookieHeader, source.alertBoxCookie);
    if (closed.state === "invalid") return { state: "invalid", reason: `${source.alertBoxCookie}: ${closed.reason}` };
    if (closed.state === "absent") return { state: "unanswered", reason: "banner never closed" };
    const closedAt = Date.parse(decodeLoosely(closed.value));
    if (!Number.isFinite(closedAt)) return { state: "invalid", reason: `${source.alertBoxCookie} is not a date` };
    if (!isFresh(Math.floor(closedAt / 1000), ctx)) return { state: "outdated", reason: "expired" };
  }
  return { state: "valid", purposes: mappedPurposes(source.map, (g) => groups.get(g) === true) };
}

/** OptanonAlertBoxClosed is a plain ISO date; some sites store it URL-encoded (`%3A`). */
function decodeLoosely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
