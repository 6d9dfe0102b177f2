/**
 * Content-Security-Policy headers read the way browsers read them, by the CSP3 grammar
 * (https://w3c.github.io/webappsec-csp/#parse-serialized-policy-list), not by a pattern over the text:
 *
 * - a header value is a list of policies separated by `,` (several headers of one name arrive
 *   joined by `, `, which is the same list);
 * - a policy is directives separated by `;`; leading and trailing ASCII whitespace is stripped and
 *   an empty one skipped;
 * - a directive's name is everything up to the first ASCII whitespace, compared ASCII
 *   case-insensitively; its value is the rest, split on ASCII whitespace;
 * - a second directive of the same name in one policy is ignored: the first one counts.
 *
 * Pure.
 */

/** One policy: directive name (lower case) → its tokens, in header order. */
export type CspPolicy = ReadonlyMap<string, readonly string[]>;

/** ASCII whitespace as the Infra standard defines it: tab, LF, FF, CR, space. */
const ASCII_WHITESPACE = /[\t\n\f\r ]+/;

function trimAsciiWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isAsciiWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isAsciiWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function isAsciiWhitespace(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

/** https://w3c.github.io/webappsec-csp/#parse-serialized-policy */
export function parsePolicy(serialized: string): CspPolicy {
  const policy = new Map<string, string[]>();
  for (const raw of serialized.split(";")) {
    const token = trimAsciiWhitespace(raw);
    if (!token) continue;
    const [name = "", ...value] = token.split(ASCII_WHITESPACE);
    const directive = name.toLowerCase();
    if (policy.has(directive)) continue;
    policy.set(directive, value);
  }
  return policy;
}

/** https://w3c.github.io/webappsec-csp/#parse-serialized-policy-list; policies without a directive are dropped. */
export function parsePolicyList(header: string | null): CspPolicy[] {
  if (!header) return [];
  return header
    .split(",")
    .map(parsePolicy)
    .filter((p) => p.size > 0);
}

/** The policies a response enforces (`Content-Security-Policy`, every header of that name). */
export function enforcedPolicies(headers: Headers): CspPolicy[] {
  return parsePolicyList(headers.get("content-security-policy"));
}

/** The policies a response only reports on (`Content-Security-Policy-Report-Only`). */
export function reportOnlyPolicies(headers: Headers): CspPolicy[] {
  return parsePolicyList(headers.get("content-security-policy-report-only"));
}

/**
 * The directive that governs a request or check, by its fallback list: the first directive of
 * `chain` the policy has (https://w3c.github.io/webappsec-csp/#directive-fallback-list), or undefined when
 * it has none, and the check is not restricted by this policy.
 */
export function effectiveDirective(policy: CspPolicy, chain: readonly string[]): readonly string[] | undefined {
  for (const name of chain) {
    const value = policy.get(name);
    if (value) return value;
  }
  return undefined;
}

/** base64-value = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" )*2( "=" ) */
const BASE64_VALUE = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HASH_PREFIXES = ["'sha256-", "'sha384-", "'sha512-"];

/** The value of a `'nonce-…'` source expression (keywords are case-insensitive), or null. */
export function nonceOf(token: string): string | null {
  if (token.length < 9 || !token.endsWith("'") || token.slice(0, 7).toLowerCase() !== "'nonce-") return null;
  const value = token.slice(7, -1);
  return BASE64_VALUE.test(value) ? value : null;
}

/** True for a `'sha256-…'`, `'sha384-…'` or `'sha512-…'` source expression. */
export function isHashSource(token: string): boolean {
  if (!token.endsWith("'")) return false;
  const prefix = HASH_PREFIXES.find((p) => token.slice(0, p.length).toLowerCase() === p);
  return prefix !== undefined && token.length > prefix.length + 1 && BASE64_VALUE.test(token.slice(prefix.length, -1));
}

/** Nonce and hash sources: the ones that make a browser ignore `'unsafe-inline'` in their directive. */
export function isNonceOrHash(token: string): boolean {
  return nonceOf(token) !== null || isHashSource(token);
}
