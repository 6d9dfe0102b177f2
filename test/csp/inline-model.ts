/**
 * A model of how a browser decides whether one inline script or style may run under one policy
 * (CSP3 "Does element match source list for type and source",
 * https://w3c.github.io/webappsec-csp/#match-element-to-source-list, and "Does a source list allow all
 * inline behavior for type", https://w3c.github.io/webappsec-csp/#allow-all-inline), written from the
 * specification rather than from src/csp, for the property tests to judge the gatekeeper's policy
 * against. Two browsers: a current one that knows the `-elem` / `-attr` directives, and an older
 * one (Safari before 15.4, say) that reads `script-src` / `style-src` for everything.
 */
import { type CspPolicy, effectiveDirective, isHashSource, nonceOf } from "../../src/csp/parse";

export type InlineCheck = "scriptElem" | "scriptAttr" | "styleElem" | "styleAttr";
export type Browser = "current" | "legacy";
export const CHECKS: InlineCheck[] = ["scriptElem", "scriptAttr", "styleElem", "styleAttr"];
export const BROWSERS: Browser[] = ["current", "legacy"];

const CHAINS: Record<Browser, Record<InlineCheck, string[]>> = {
  current: {
    scriptElem: ["script-src-elem", "script-src", "default-src"],
    scriptAttr: ["script-src-attr", "script-src", "default-src"],
    styleElem: ["style-src-elem", "style-src", "default-src"],
    styleAttr: ["style-src-attr", "style-src", "default-src"],
  },
  legacy: {
    scriptElem: ["script-src", "default-src"],
    scriptAttr: ["script-src", "default-src"],
    styleElem: ["style-src", "default-src"],
    styleAttr: ["style-src", "default-src"],
  },
};

export const chainOf = (browser: Browser, check: InlineCheck) => CHAINS[browser][check];

/** An inline script or style: the nonce attribute it carries (elements only) and its content's hash. */
export interface InlineItem {
  nonce?: string;
  /** The base64 sha256 of its text, compared with `'sha256-…'` sources. */
  sha256: string;
}

export function allowsInline(policy: CspPolicy, browser: Browser, check: InlineCheck, item: InlineItem): boolean {
  const list = effectiveDirective(policy, chainOf(browser, check));
  if (!list) return true;
  const lower = list.map((t) => t.toLowerCase());
  const nonceOrHash = list.some((t) => nonceOf(t) !== null || isHashSource(t));
  const script = check.startsWith("script");
  if (lower.includes("'unsafe-inline'") && !nonceOrHash && !(script && lower.includes("'strict-dynamic'"))) return true;
  const hashMatches = list.some((t) => t.toLowerCase().startsWith("'sha256-") && t.slice(8, -1) === item.sha256);
  if (check.endsWith("Elem")) {
    if (item.nonce && list.some((t) => nonceOf(t) === item.nonce)) return true;
    return hashMatches;
  }
  // Attributes: nonces never apply; hashes only with 'unsafe-hashes'.
  return lower.includes("'unsafe-hashes'") && hashMatches;
}

/** All policies of a response must allow it. */
export const allAllow = (policies: readonly CspPolicy[], browser: Browser, check: InlineCheck, item: InlineItem) =>
  policies.every((p) => allowsInline(p, browser, check, item));
