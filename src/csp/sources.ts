/**
 * Which hosts, and which paths on shared hosts, the decision's CSP allows: `'self'` aside, only
 * what vendors whose purpose is allowed name. A vendor's `hosts` become host sources; a vendor's
 * `urls` rule, a path on a host it shares with others (`cdn.jsdelivr.net/npm/@intercom/`), becomes
 * a host source with that path (`https://cdn.jsdelivr.net/npm/@intercom/`), so allowing the vendor
 * does not allow the whole CDN (https://w3c.github.io/webappsec-csp/#match-paths: a path ending in `/` is a
 * prefix, any other must match exactly; the query is never compared, so a rule's `?id=AW-` part
 * cannot be expressed and the path alone is used).
 *
 * Whatever a refused vendor claims outright (its `hosts`) is left out, even when an allowed vendor
 * names the same host or a path on it: www.googletagmanager.com serves gtag.js and gtm.js, and
 * CSP cannot tell apart what a script loads later. A refused vendor's own path rules on a shared
 * host do not take the host from an allowed vendor. Pure; one list per combination of refused
 * vendors, worked out once per isolate.
 */
import { type Decision, refusalKey } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";

export interface SourcePattern {
  host: string;
  /** `*.host` in the vendor file: the host and every subdomain. */
  wildcard: boolean;
  /** A path as the vendor file writes it, starting with `/`; "" for the whole host. */
  path: string;
}

/** `*.x.com` / `x.com`, optionally followed by a path (`x.com/npm/@y/`); a query is dropped. */
export function sourcePattern(written: string): SourcePattern {
  const wildcard = written.startsWith("*.");
  const rest = wildcard ? written.slice(2) : written;
  const slash = rest.indexOf("/");
  if (slash === -1) return { host: rest, wildcard, path: "" };
  const query = rest.indexOf("?", slash);
  const path = query === -1 ? rest.slice(slash) : rest.slice(slash, query);
  return { host: rest.slice(0, slash), wildcard, path: path === "/" ? "" : path };
}

/** True when `claim` (a refused vendor's host pattern) covers every host `source` names. */
function covers(claim: SourcePattern, source: SourcePattern): boolean {
  if (claim.host === source.host) return claim.wildcard || !source.wildcard;
  return claim.wildcard && source.host.endsWith(`.${claim.host}`);
}

const key = (s: SourcePattern) => `${s.wildcard ? "*." : ""}${s.host}${s.path}`;

export function allowedSources(policy: CompiledPolicy, decision: Decision): readonly SourcePattern[] {
  let byRefusal = cache.get(policy);
  if (!byRefusal) {
    byRefusal = new Map();
    cache.set(policy, byRefusal);
  }
  const refusal = refusalKey(decision);
  let sources = byRefusal.get(refusal);
  if (!sources) {
    sources = Object.freeze(computeAllowedSources(policy, decision));
    byRefusal.set(refusal, sources);
  }
  return sources;
}

const cache = new WeakMap<CompiledPolicy, Map<string, readonly SourcePattern[]>>();

function computeAllowedSources(policy: CompiledPolicy, decision: Decision): SourcePattern[] {
  const allowed = new Map<string, SourcePattern>();
  const refused: SourcePattern[] = [];
  for (const vendor of policy.vendors) {
    const file = policy.vendorFiles[vendor.index];
    if (!file) continue;
    if (decision.refused[vendor.index]) {
      refused.push(...file.hosts.map(sourcePattern));
      continue;
    }
    for (const written of [...file.hosts, ...file.urls]) {
      const source = sourcePattern(written);
      allowed.set(key(source), source);
    }
  }
  const wholeHosts = [...allowed.values()].filter((s) => s.path === "");
  return [...allowed.values()]
    .filter((s) => !refused.some((claim) => covers(claim, s)))
    .filter((s) => s.path === "" || !wholeHosts.some((h) => covers(h, s)))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

/**
 * A path as a CSP source expression may carry it: `;` and `,` (which separate directives and
 * policies), whitespace, quotes and anything a URL path may not hold literally are
 * percent-encoded; existing `%XX` escapes stay (https://w3c.github.io/webappsec-csp/#grammardef-path-part).
 */
export function cspPath(path: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (/[A-Za-z0-9\-._~!$&()*+=:@/]/.test(c)) out += c;
    else if (c === "%" && /^[0-9A-Fa-f]{2}$/.test(path.slice(i + 1, i + 3))) out += c;
    else out += encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

/**
 * Source expressions for one pattern under the given schemes: `https://x.com/p/`,
 * `https://*.x.com/p/`. A vendor rule's path is a prefix, but a CSP path that does not end in `/`
 * matches only itself, so such a path also goes with `/` appended: `/tr` covers `/tr` and `/tr/…`.
 */
export function serializeSource(source: SourcePattern, schemes: readonly string[]): string[] {
  const path = cspPath(source.path);
  const paths = path === "" || path.endsWith("/") ? [path] : [path, `${path}/`];
  const hosts = source.wildcard ? [source.host, `*.${source.host}`] : [source.host];
  return schemes.flatMap((scheme) => hosts.flatMap((host) => paths.map((p) => `${scheme}//${host}${p}`)));
}
