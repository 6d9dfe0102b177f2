/**
 * The consent-bucket cache's rules, pure: which requests and origin answers may be cached, for how
 * long, and the key that names a bucket. Many visitors in the same consent state get the same
 * rewritten page; the key holds everything that page depends on, so two requests share an entry
 * only when the gatekeeper would have written the same bytes for both. The Cache API itself is
 * ./cache-store.ts; the proxy (./proxy.ts) asks here and there.
 *
 * What the origin allows follows RFC 9111 for a shared cache
 * (https://www.rfc-editor.org/rfc/rfc9111#section-3): `public` or `s-maxage`, and none of
 * `private`, `no-store`, `no-cache`; the lifetime is `s-maxage`, else `max-age` (§4.2.1).
 */
import type { Decision } from "../consent/decide";
import { refusalKey } from "../consent/decide";
import { cookieNames } from "../consent/withdrawal";
import { cookiePattern } from "../match/cookie-glob";
import type { CompiledPolicy } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import type { Language } from "../ui/language";

export type CacheOutcome = { state: "hit" } | { state: "miss" } | { state: "bypass"; reason: BypassReason };

export type BypassReason =
  /** The site file does not opt this path in (or no site covers the host). */
  | "off"
  /** Shadow mode: nothing about the page changes, so nothing is stored either. */
  | "shadow"
  /** Not GET or HEAD; or a HEAD with nothing stored to answer it from. */
  | "method"
  | "head"
  | "authorization"
  | "session-cookie"
  | "status"
  | "cache-control"
  | "set-cookie"
  | "nonce"
  | "vary"
  | "encoding"
  /** The cache could not be read (an outage is never an error page). */
  | "error";

/** The `X-Gatekeeper-Cache` value (docs/CONTRACT.md). */
export function outcomeHeader(outcome: CacheOutcome): string {
  return outcome.state === "bypass" ? `bypass; reason=${outcome.reason}` : outcome.state;
}

export interface CacheRule {
  maxTtlSeconds: number;
  /** Names of the cookies that make a page personal. */
  isSessionCookie: (name: string) => boolean;
}

const rules = new WeakMap<SiteFile, { paths: Array<(path: string) => boolean>; rule: CacheRule }>();

/** The site's cache rule for this path, or null when the path is not opted in. */
export function cacheRuleFor(policy: CompiledPolicy, site: SiteFile | undefined, path: string): CacheRule | null {
  if (!site?.cache || policy.failsafe) return null;
  let compiled = rules.get(site);
  if (!compiled) {
    compiled = {
      paths: site.cache.paths.map((p) => (p.endsWith("*") ? startsWith(p.slice(0, -1)) : (x: string) => x === p)),
      rule: { maxTtlSeconds: site.cache.maxTtlSeconds, isSessionCookie: sessionCookies(policy, site) },
    };
    rules.set(site, compiled);
  }
  return compiled.paths.some((matches) => matches(path)) ? compiled.rule : null;
}

const startsWith = (prefix: string) => (path: string) => path.startsWith(prefix);

/**
 * The site's `cache.sessionCookies`, else every cookie its required purposes' vendors declare. The
 * consent cookies never count: their value is the decision, and the decision is in the key.
 */
function sessionCookies(policy: CompiledPolicy, site: SiteFile): (name: string) => boolean {
  const consent = new Set<string>([site.consent.cookie]);
  for (const source of site.consent.sources) if ("cookie" in source && source.cookie) consent.add(source.cookie);
  const patterns = site.cache?.sessionCookies
    ? site.cache.sessionCookies.map(cookiePattern)
    : policy.cookies.filter((c) => policy.required.has(policy.vendors[c.vendor]?.purpose ?? "")).map((c) => c.pattern);
  return (name) => !consent.has(name) && patterns.some((p) => p.test(name));
}

/** Why this request may not use the cache, or null when it may. */
export function requestBypass(request: Request, rule: CacheRule): BypassReason | null {
  if (request.method !== "GET" && request.method !== "HEAD") return "method";
  if (request.headers.has("authorization")) return "authorization";
  if (cookieNames(request.headers.get("cookie")).some(rule.isSessionCookie)) return "session-cookie";
  return null;
}

/** Cache-Control directives, lowercased, with their values (RFC 9111 §5.2). */
export function cacheDirectives(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(",")) {
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) continue;
    const value =
      eq === -1
        ? ""
        : part
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, "");
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

/** The origin's lifetime for a shared cache, capped: `s-maxage`, else `max-age`; 0 when neither. */
export function ttlSeconds(cacheControl: string | null, maxTtlSeconds: number): number {
  const d = cacheDirectives(cacheControl);
  const raw = d.get("s-maxage") ?? d.get("max-age");
  if (raw === undefined || !/^\d+$/.test(raw)) return 0;
  return Math.min(Number(raw), maxTtlSeconds);
}

/**
 * The names in the origin's `Vary` that the key must hold the request's values for, or "*" (the
 * response may not be cached). Cookie is left out: the cookies that change the page are the
 * consent cookies (in the decision) and the session cookies (never cached). Accept-Encoding too:
 * the stored page is decoded HTML whatever the origin sent.
 */
export function varyNames(vary: string | null): string[] | "*" {
  const names = new Set<string>();
  for (const part of (vary ?? "").split(",")) {
    const name = part.trim().toLowerCase();
    if (name === "*") return "*";
    if (name && name !== "cookie" && name !== "accept-encoding") names.add(name);
  }
  return [...names].sort();
}

/** Why the origin's answer may not be stored, or null when it may; with its lifetime. */
export function responseBypass(
  response: { status: number; headers: Headers },
  rule: CacheRule,
  nonce: string | undefined,
): { reason: BypassReason } | { ttl: number; vary: string[] } {
  if (response.status !== 200) return { reason: "status" };
  const h = response.headers;
  const d = cacheDirectives(h.get("cache-control"));
  if (!(d.has("public") || d.has("s-maxage")) || d.has("private") || d.has("no-store") || d.has("no-cache"))
    return { reason: "cache-control" };
  const ttl = ttlSeconds(h.get("cache-control"), rule.maxTtlSeconds);
  if (ttl <= 0) return { reason: "cache-control" };
  if (h.has("set-cookie")) return { reason: "set-cookie" };
  // A stored nonce would be sent again to every visitor: a nonce is only worth anything once.
  if (nonce !== undefined) return { reason: "nonce" };
  const vary = varyNames(h.get("vary"));
  if (vary === "*") return { reason: "vary" };
  return { ttl, vary };
}

/** What a rewritten page depends on, besides the origin's answer itself. */
export interface BucketInput {
  decision: Decision;
  url: URL;
  /** The ORIGIN var: another origin is another page. */
  origin: string | undefined;
  lang: Language;
  /** A top-level document (Sec-Fetch-Dest): only it gets the banner. */
  topLevel: boolean;
  /** The deployment's version id (CF_VERSION_METADATA), so a deploy never serves an older bucket. */
  deployVersion: string;
  /** policyDigest(policy). */
  policyDigest: string;
}

/**
 * The fields of a bucket. Everything the page's bytes and the gated headers read from the
 * decision is here: the refusal vector (removals, re-pointing, Link, the CSP), the allowed
 * purposes (Consent Mode), whether the banner shows and in which language, and the client API's
 * state (decided, source, gpc).
 */
export function bucketFields(input: BucketInput): Record<string, string | number | boolean | null> {
  const { decision } = input;
  const site = decision.site;
  return {
    deploy: input.deployVersion,
    policy: input.policyDigest,
    site: site?.id ?? null,
    version: site?.version ?? null,
    url: input.url.href,
    origin: input.origin ?? null,
    refused: refusalKey(decision),
    allowed: [...decision.allowed].sort().join(","),
    decided: decision.basis === "consent",
    source: decision.basis === "consent" ? (decision.source ?? null) : null,
    gpc: decision.gpc,
    banner: input.topLevel && decision.basis !== "consent",
    topLevel: input.topLevel,
    lang: input.lang,
  };
}

const digests = new WeakMap<CompiledPolicy, Promise<string>>();

/**
 * The policy's content, digested once per isolate: any edit to a purpose, vendor or site file is
 * another policy, whether or not the site's version was bumped.
 */
export function policyDigest(policy: CompiledPolicy): Promise<string> {
  let digest = digests.get(policy);
  if (digest === undefined) {
    digest = sha256(JSON.stringify([policy.failsafe, policy.purposes, policy.vendorFiles, policy.sites]));
    digests.set(policy, digest);
  }
  return digest;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The request's values of the Vary names, as the key's second part. */
export function varyFields(request: Request, names: readonly string[]): string {
  return JSON.stringify(names.map((name) => [name, request.headers.get(name)]));
}

/**
 * A Cache API key: a URL under the page's own origin and the gatekeeper's path, never one the
 * origin or a visitor could request (everything under /__gk/ is the gatekeeper's), named by the
 * SHA-256 of the bucket's fields and, for a page the origin varies, of the request's values.
 */
export async function bucketKey(pageUrl: URL, fields: string, vary?: string): Promise<string> {
  const hex = await sha256(vary === undefined ? fields : `${fields}\n${vary}`);
  return `${pageUrl.origin}/__gk/cache/${vary === undefined ? "" : "v/"}${hex}`;
}
