/**
 * The gatekeeper's own cookie (`consent.cookie`, format in ../cookie.ts and docs/CONSENT.md "The consent
 * cookie"), set by POST /__gk/consent. Exactly the rules decide() always applied: another policy
 * version or a cookie older than lifetimeDays (or over a day ahead) is outdated. Pure.
 */
import { readConsentCookie } from "../cookie";
import { isFresh, type SourceContext, type SourceReading } from "./common";

export function readGatekeeperSource(ctx: SourceContext): SourceReading {
  const found = readConsentCookie(ctx.cookieHeader, ctx.site.consent.cookie);
  if (found.state === "absent") return { state: "absent" };
  if (found.state === "invalid") return { state: "invalid", reason: found.reason };
  const cookie = found.cookie;
  if (cookie.version !== ctx.site.version) return { state: "outdated", reason: "another policy version" };
  if (!isFresh(cookie.issuedAt, ctx)) return { state: "outdated", reason: "expired" };
  return { state: "valid", purposes: cookie.purposes, consent: cookie };
}
