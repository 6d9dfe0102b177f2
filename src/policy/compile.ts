/**
 * Turns a validated Policy into the matchers the gate uses, once per isolate. Like hono's
 * ip-restriction middleware, a bad rule fails here, at start, never on a request.
 */
import { type CookieNamePattern, cookiePattern } from "../match/cookie-glob";
import { hostMatches, normalizeHost, parseHostPattern } from "../match/host";
import { type InlinePattern, normalizeInline } from "../match/inline";
import { compileUrlMatcher, type UrlMatcher } from "../match/url";
import { type CompiledBeacon, compileBeacons } from "./beacons";
import type { Policy } from "./load";
import { type CookieRule, classTokenPrefix, type Purpose, type SiteFile, type VendorFile } from "./schema";

export interface CompiledVendor {
  index: number;
  id: string;
  name: string;
  purpose: string;
}

export interface CompiledSelector {
  selector: string;
  vendor: number;
  /** From `classTokens`: the element must also have a class token this matches. */
  classToken?: RegExp;
}

export interface CompiledCookieRule {
  pattern: CookieNamePattern;
  vendor: number;
  rule: CookieRule;
}

export interface CompiledPolicy {
  purposes: readonly Purpose[];
  /** Ids of purposes that are always on. */
  required: ReadonlySet<string>;
  vendors: readonly CompiledVendor[];
  /** The source files, for the declaration and the preferences page. */
  vendorFiles: readonly VendorFile[];
  urls: UrlMatcher;
  inline: readonly InlinePattern[];
  /**
   * `inline` and each vendor's hosts (from `hosts` and `urls`), in one list for one automaton:
   * a script whose text holds none of them is not tokenized (src/html/inline-judge.ts).
   */
  needles: readonly InlinePattern[];
  selectors: readonly CompiledSelector[];
  /** Cookie name patterns per vendor, for withdrawal. */
  cookies: readonly CompiledCookieRule[];
  sites: readonly SiteFile[];
  /** First-party tag and beacon rules (`beacon:` blocks); none under the failsafe. */
  beacons: readonly CompiledBeacon[];
  /**
   * When true, every third-party URL counts as refused, not only the vendors'. Set when the
   * policy failed to load, so that the gate fails closed.
   */
  failsafe: boolean;
}

export function compilePolicy(policy: Policy, failsafe = false): CompiledPolicy {
  const vendors = policy.vendors.map((v, index) => ({ index, id: v.id, name: v.name, purpose: v.purpose }));
  const inline: InlinePattern[] = policy.vendors.flatMap((v, vendor) =>
    v.inline.map((snippet) => ({ normalized: normalizeInline(snippet), vendor, source: snippet })),
  );
  const selectors: CompiledSelector[] = policy.vendors.flatMap((v, vendor) => [
    ...v.selectors.map((selector) => ({ selector, vendor })),
    ...(v.classTokens ?? []).map((source) => ({
      selector: `[class*="${classTokenPrefix(source)}"]`,
      vendor,
      classToken: new RegExp(source),
    })),
  ]);
  const needles: InlinePattern[] = [...inline, ...hostNeedles(policy.vendors)];
  return {
    purposes: policy.purposes,
    required: new Set(policy.purposes.filter((p) => p.required).map((p) => p.id)),
    vendors,
    vendorFiles: policy.vendors,
    urls: compileUrlMatcher(policy.vendors),
    inline,
    needles,
    selectors,
    cookies: compileCookieRules(policy.vendors),
    sites: policy.sites,
    beacons: failsafe ? [] : compileBeacons(policy.vendors),
    failsafe,
  };
}

/** Each vendor's hosts as text to look for: `*.example.com` as `example.com`, a URL rule's host. */
function hostNeedles(vendors: Policy["vendors"]): InlinePattern[] {
  return vendors.flatMap((v, vendor) => {
    const claimed = new Set(v.hosts.map((h) => parseHostPattern(h).host));
    const ruled = v.urls.map((u) => parseHostPattern(u.includes("/") ? u.slice(0, u.indexOf("/")) : u).host);
    return [...new Set([...claimed, ...ruled])].map((host) => ({
      normalized: normalizeInline(host),
      vendor,
      source: host,
      host: true,
      claimed: claimed.has(host),
    }));
  });
}

export function compileCookieRules(vendors: ReadonlyArray<{ cookies: readonly CookieRule[] }>): CompiledCookieRule[] {
  return vendors.flatMap((v, vendor) => v.cookies.map((rule) => ({ pattern: cookiePattern(rule.name), vendor, rule })));
}

/** The site file whose hosts name this host, else the `*` site. */
export function siteFor(policy: CompiledPolicy, host: string): SiteFile | undefined {
  const h = normalizeHost(host);
  return (
    policy.sites.find((s) => s.hosts.some((p) => p !== "*" && hostMatches(parseHostPattern(p), h))) ??
    policy.sites.find((s) => s.hosts.includes("*"))
  );
}
