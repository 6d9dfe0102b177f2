/**
 * Host names as the matchers compare them, and the host patterns of the policy files. Pure.
 */

/**
 * The one normal form of a host: lower case, without the trailing dots of a fully qualified name
 * (`www.example.com.` is `www.example.com`), so that a trailing dot never slips past a rule.
 * https://url.spec.whatwg.org/#host-parsing keeps the dot; DNS resolves both to the same host.
 */
export function normalizeHost(host: string): string {
  let end = host.length;
  while (end > 0 && host.charCodeAt(end - 1) === 46) end--;
  return (end === host.length ? host : host.slice(0, end)).toLowerCase();
}

/** A host pattern of a policy file: `example.com`, or `*.example.com` for it and every subdomain. */
export interface HostPattern {
  host: string;
  /** `*.example.com` patterns match example.com and every subdomain. */
  wildcard: boolean;
}

export function parseHostPattern(pattern: string): HostPattern {
  return pattern.startsWith("*.") ? { host: pattern.slice(2), wildcard: true } : { host: pattern, wildcard: false };
}

/** Whether a normalised host is the pattern's host, or (for a wildcard) one of its subdomains. */
export function hostMatches(pattern: HostPattern, host: string): boolean {
  return host === pattern.host || (pattern.wildcard && host.endsWith(`.${pattern.host}`));
}
