/**
 * Tells which vendors a URL belongs to. Compiled once per isolate from the vendor files.
 *
 * URL rules (host + path prefix, optionally `?param=value-prefix`) are the most specific: the
 * matching rules with the longest path decide, and a rule with a query condition beats one
 * without (`/gtm.js` is GTM, `/gtag/js` is GA, `/gtag/js?id=AW-` is Google Ads, all on
 * www.googletagmanager.com). Otherwise a URL on a host that vendors claim needs every claimant
 * allowed, so an unknown path on a shared host fails closed. Any other URL is not a vendor's.
 */
import { type HostPattern, hostMatches, normalizeHost, parseHostPattern } from "./host";

export interface UrlRule extends HostPattern {
  /** Lower-case, decoded path prefix. */
  path: string;
  /** Optional query condition: the parameter's value must start with `prefix` (case-insensitive). */
  query?: { name: string; prefix: string };
  vendor: number;
  /** The pattern as the vendor file wrote it, for the audit and logs. */
  source?: string;
}

export interface UrlMatcher {
  exact: Map<string, number[]>;
  wildcard: Map<string, number[]>;
  rules: UrlRule[];
  /**
   * Indexes into `rules`, in order: those on one exact host, and the wildcard ones. A URL is
   * compared with the rules of its own host only (a family of country domains is many rules).
   */
  rulesByHost?: Map<string, number[]>;
  wildcardRules?: number[];
}

export function compileUrlMatcher(
  vendors: ReadonlyArray<{ hosts: readonly string[]; urls: readonly string[]; removalOnlyUrls?: readonly string[] }>,
): UrlMatcher {
  const exact = new Map<string, number[]>();
  const wildcard = new Map<string, number[]>();
  const rules: UrlRule[] = [];
  vendors.forEach((vendor, index) => {
    for (const pattern of vendor.hosts) {
      const { host, wildcard: isWild } = parseHostPattern(pattern);
      const map = isWild ? wildcard : exact;
      const list = map.get(host) ?? [];
      if (!list.includes(index)) list.push(index);
      map.set(host, list);
    }
    for (const url of [...vendor.urls, ...(vendor.removalOnlyUrls ?? [])])
      rules.push({ ...parseUrlPattern(url), vendor: index, source: url });
  });
  const rulesByHost = new Map<string, number[]>();
  const wildcardRules: number[] = [];
  rules.forEach((r, i) => {
    if (r.wildcard) wildcardRules.push(i);
    else rulesByHost.set(r.host, [...(rulesByHost.get(r.host) ?? []), i]);
  });
  return { exact, wildcard, rules, rulesByHost, wildcardRules };
}

/** The rules that may match `host`, in the order the vendor files list them. */
function rulesFor(matcher: UrlMatcher, host: string): readonly UrlRule[] {
  if (!matcher.rulesByHost || !matcher.wildcardRules) return matcher.rules;
  const own = matcher.rulesByHost.get(host) ?? [];
  const indexes = matcher.wildcardRules.length ? [...own, ...matcher.wildcardRules].sort((a, b) => a - b) : own;
  return indexes.map((i) => matcher.rules[i] as UrlRule);
}

/** `host/path` or `host/path?name=prefix`, as written in a vendor file's `urls`. */
export function parseUrlPattern(pattern: string): Omit<UrlRule, "vendor"> {
  const slash = pattern.indexOf("/");
  const q = pattern.indexOf("?", slash);
  const path = normalizePath(q === -1 ? pattern.slice(slash) : pattern.slice(slash, q));
  const rule: Omit<UrlRule, "vendor"> = { ...parseHostPattern(pattern.slice(0, slash)), path };
  if (q !== -1) {
    const [name = "", prefix = ""] = pattern.slice(q + 1).split("=", 2);
    rule.query = { name, prefix: prefix.toLowerCase() };
  }
  return rule;
}

/** Vendors claiming a host, from exact and wildcard host patterns. */
export function claimants(matcher: UrlMatcher, rawHost: string): number[] {
  const host = normalizeHost(rawHost);
  const found = [...(matcher.exact.get(host) ?? [])];
  let dot = -1;
  let suffix = host;
  do {
    for (const v of matcher.wildcard.get(suffix) ?? []) if (!found.includes(v)) found.push(v);
    dot = host.indexOf(".", dot + 1);
    suffix = host.slice(dot + 1);
  } while (dot !== -1);
  return found;
}

/**
 * Servers decode percent-escapes and collapse repeated slashes, so `/gtm%2Ejs` and `//gtm.js`
 * are matched as `/gtm.js`.
 */
export function normalizePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes stay as written.
  }
  return decoded.toLowerCase().replace(/\/{2,}/g, "/");
}

/** Resolves an attribute value the way the browser would; null when it is not an http(s) URL. */
export function resolveUrl(value: string, base: URL): URL | null {
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}

/** The vendors that must all be allowed for this URL to load; empty when no vendor claims it. */
export function matchUrl(matcher: UrlMatcher, url: URL): number[] {
  return explainUrl(matcher, url).vendors;
}

/** matchUrl, with the rule that decided: `url:<pattern>`, `host:<pattern>`, or `none`. */
export function explainUrl(matcher: UrlMatcher, url: URL): { vendors: number[]; rule: string } {
  const host = normalizeHost(url.hostname);
  const path = normalizePath(url.pathname);
  let best = -1;
  let chosen: number[] = [];
  let rule = "none";
  for (const r of rulesFor(matcher, host)) {
    if (!hostMatches(r, host) || !path.startsWith(r.path)) continue;
    if (r.query) {
      const values = url.searchParams.getAll(r.query.name);
      const prefix = r.query.prefix;
      if (!values.some((v) => v.toLowerCase().startsWith(prefix))) continue;
    }
    // Query conditions outrank any path length.
    const score = r.path.length + (r.query ? 1_000_000 : 0);
    if (score < best) continue;
    if (score > best) {
      best = score;
      chosen = [];
      rule = `url:${r.source ?? r.host + r.path}`;
    }
    if (!chosen.includes(r.vendor)) chosen.push(r.vendor);
  }
  if (best >= 0) return { vendors: chosen, rule };
  const owners = claimants(matcher, host);
  if (owners.length === 0) return { vendors: owners, rule };
  const exact = matcher.exact.has(host);
  return { vendors: owners, rule: `host:${exact ? host : `*.${wildcardSuffix(matcher, host) ?? host}`}` };
}

/** The longest wildcard domain claiming this host. */
function wildcardSuffix(matcher: UrlMatcher, host: string): string | undefined {
  let suffix = host;
  for (;;) {
    if (matcher.wildcard.has(suffix)) return suffix;
    const dot = suffix.indexOf(".");
    if (dot === -1) return undefined;
    suffix = suffix.slice(dot + 1);
  }
}

/** Whether any vendor names this host at all: claims it, or has a URL rule on it. */
export function hostNamed(matcher: UrlMatcher, rawHost: string): boolean {
  const host = normalizeHost(rawHost);
  return claimants(matcher, host).length > 0 || rulesFor(matcher, host).some((r) => hostMatches(r, host));
}
