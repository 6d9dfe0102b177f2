/**
 * The CSP the gatekeeper adds to an HTML page: `'self'` plus exactly the hosts of vendors whose
 * purpose the decision allows, in the fetch directives a tag uses. It is sent as an additional
 * header, so the browser enforces it together with the origin's own policy: it only ever takes
 * away (https://www.w3.org/TR/CSP3/#multiple-policies). It is a host gate, not an XSS policy: it
 * allows inline code and eval (the origin's own CSP governs those), carries the origin's nonce and
 * hashes so nonce-based pages keep working, and never adds 'strict-dynamic', which would make
 * browsers ignore its host list.
 */
import { type Decision, refusalKey } from "../consent/decide";
import { parseUrlPattern } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";

export const CSP_REPORT_PATH = "/__gk/csp-report";
export const REPORTING_GROUP = "gk-csp";

/** CSP host sources for a vendor host pattern: `*.x` means x and its subdomains, as in our files. */
function hostSources(pattern: string, schemes: readonly string[]): string[] {
  const wildcard = pattern.startsWith("*.");
  const host = wildcard ? pattern.slice(2) : pattern;
  return schemes.flatMap((scheme) =>
    wildcard ? [`${scheme}//${host}`, `${scheme}//*.${host}`] : [`${scheme}//${host}`],
  );
}

/**
 * Hosts of vendors the decision allows (including required vendors' own CDNs), minus every host a
 * refused vendor names: a refused vendor's origins never appear, even when an allowed vendor shares
 * the host (www.googletagmanager.com serves gtag.js and gtm.js; CSP cannot tell their paths apart
 * for what a script loads later). Sorted and deduplicated.
 */
export function allowedHostPatterns(policy: CompiledPolicy, decision: Decision): readonly string[] {
  // A site has a handful of distinct decisions; each one's host list is worked out once.
  let byRefusal = hostLists.get(policy);
  if (!byRefusal) {
    byRefusal = new Map();
    hostLists.set(policy, byRefusal);
  }
  const key = refusalKey(decision);
  let hosts = byRefusal.get(key);
  if (!hosts) {
    hosts = Object.freeze(computeAllowedHostPatterns(policy, decision));
    byRefusal.set(key, hosts);
  }
  return hosts;
}

/** Keyed by the refusal vector, all the list depends on: one entry per combination of allowed purposes. */
const hostLists = new WeakMap<CompiledPolicy, Map<string, readonly string[]>>();

function computeAllowedHostPatterns(policy: CompiledPolicy, decision: Decision): string[] {
  const allowed = new Set<string>();
  const refused = new Set<string>();
  for (const vendor of policy.vendors) {
    const file = policy.vendorFiles[vendor.index];
    if (!file) continue;
    if (decision.refused[vendor.index]) {
      // Only hosts a refused vendor claims outright; its path rules on shared hosts
      // (www.google.com/pagead/) do not take the whole host from an allowed vendor.
      for (const h of file.hosts) refused.add(h);
      continue;
    }
    for (const h of file.hosts) allowed.add(h);
    for (const u of file.urls) {
      const rule = parseUrlPattern(u);
      allowed.add(rule.wildcard ? `*.${rule.host}` : rule.host);
    }
  }
  return [...allowed].filter((h) => !refused.has(h)).sort();
}

/** `'nonce-…'` and hash sources of the origin's script policy, to keep its inline scripts valid. */
export function originScriptSources(headers: Headers): string[] {
  const policy = headers.get("content-security-policy") ?? "";
  return [...new Set(policy.match(/'(?:nonce|sha256|sha384|sha512)-[A-Za-z0-9+/_=-]+'/g) ?? [])];
}

/**
 * `reportTo`: name the Reporting API group too. Only for https pages: Chromium takes
 * `Reporting-Endpoints` from secure responses only, and once `report-to` is present it ignores
 * `report-uri`, so on http (local development) it would report nothing at all.
 */
export function buildCsp(hosts: readonly string[], originSources: readonly string[], reportTo = true): string {
  const https = hosts.flatMap((h) => hostSources(h, ["https:"]));
  const sockets = hosts.flatMap((h) => hostSources(h, ["wss:"]));
  const directives: Array<[string, string[]]> = [
    ["script-src", ["'self'", "'unsafe-inline'", "'unsafe-eval'", ...originSources, ...https]],
    ["connect-src", ["'self'", ...https, ...sockets]],
    ["frame-src", ["'self'", ...https]],
    ["img-src", ["'self'", "data:", "blob:", ...https]],
    ["style-src", ["'self'", "'unsafe-inline'", ...https]],
    ["font-src", ["'self'", "data:", ...https]],
    ["report-uri", [CSP_REPORT_PATH]],
  ];
  if (reportTo) directives.push(["report-to", [REPORTING_GROUP]]);
  return directives.map(([name, sources]) => `${name} ${sources.join(" ")}`).join("; ");
}
