/**
 * Withdrawal that really deletes. For every refused purpose, the cookies its vendors set are
 * expired in the browser, kept from the origin, and not accepted from the origin. Cookies of a
 * required purpose (session, AWSALB, AWSALBCORS, the consent cookie) are never touched, even if a
 * refused vendor's pattern would match them. Pure.
 */
import type { CompiledPolicy } from "../policy/compile";
import type { CookieRule } from "../policy/schema";
import type { Decision } from "./decide";

/** Cookie names in a Cookie header, in order. */
export function cookieNames(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(";")
    .map((part) => part.slice(0, part.includes("=") ? part.indexOf("=") : part.length).trim())
    .filter(Boolean);
}

/** The rule that makes this cookie refused, or null when it may stay. */
export function refusedCookieRule(name: string, policy: CompiledPolicy, decision: Decision): CookieRule | null {
  let refused: CookieRule | null = null;
  for (const c of policy.cookies) {
    if (!c.pattern.test(name)) continue;
    const purpose = policy.vendors[c.vendor]?.purpose ?? "";
    if (policy.required.has(purpose)) return null;
    if (decision.refused[c.vendor]) refused ??= c.rule;
  }
  return refused;
}

/** The Cookie header without refused cookies, other pairs byte for byte; null when none is left. */
export function stripRefusedCookies(header: string, policy: CompiledPolicy, decision: Decision): string | null {
  const kept = header.split(";").filter((part) => {
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    return name !== "" && refusedCookieRule(name, policy, decision) === null;
  });
  return kept.length ? kept.map((p) => p.trim()).join("; ") : null;
}

/**
 * The domains a cookie may have been set on. `parent` cookies (GA sets `_ga` on the highest
 * domain that accepts cookies) are expired on every parent of the host down to two labels; the
 * browser ignores the ones on a public suffix. IP addresses and single-label hosts only have
 * host-only cookies.
 */
export function cookieDomains(rule: CookieRule, host: string): Array<string | null> {
  const out: Array<string | null> = [null];
  const isIp = /^[\d.]+$/.test(host) || host.includes(":");
  const labels = host.split(".");
  if (isIp || labels.length < 2) return out;
  if (rule.domain === "parent") {
    for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join("."));
  } else if (rule.domain !== "host") {
    out.push(rule.domain);
  }
  return out;
}

/** Set-Cookie values that expire `name` everywhere the rule says it may live. */
export function expireCookie(name: string, rule: CookieRule, host: string, secure: boolean): string[] {
  return cookieDomains(rule, host).map(
    (domain) =>
      `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=${rule.path}${domain ? `; Domain=${domain}` : ""}${secure ? "; Secure" : ""}`,
  );
}

/** Expiries for every refused cookie the browser sent. */
export function withdrawalCookies(
  cookieHeader: string | null,
  policy: CompiledPolicy,
  decision: Decision,
  host: string,
  secure: boolean,
): string[] {
  return [...new Set(cookieNames(cookieHeader))].flatMap((name) => {
    const rule = refusedCookieRule(name, policy, decision);
    return rule ? expireCookie(name, rule, host, secure) : [];
  });
}

/** The cookie name a Set-Cookie value sets. */
export function setCookieName(value: string): string {
  const eq = value.indexOf("=");
  const semi = value.indexOf(";");
  const end = eq === -1 || (semi !== -1 && semi < eq) ? (semi === -1 ? value.length : semi) : eq;
  return value.slice(0, end).trim();
}
