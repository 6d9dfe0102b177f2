/**
 * Whether a URL may load under a decision. Pure: the rewriter asks it for attributes, the
 * gate asks it for Link headers.
 */
import type { Decision } from "../consent/decide";
import { explainUrl } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";

/**
 * Ids of the refused vendors this URL belongs to; empty when it may load. Under the failsafe
 * (policy did not load), an unclassified third-party URL is refused as "third-party".
 */
export function refusedBy(policy: CompiledPolicy, decision: Decision, url: URL, pageUrl: URL): string[] {
  return judgeUrl(policy, decision, url, pageUrl).refused;
}

/** Without the public suffix list, same site means the same host or its last two labels. */
export function isSameSite(url: URL, page: URL): boolean {
  if (url.hostname === page.hostname) return true;
  const site = page.hostname.split(".").slice(-2).join(".");
  return url.hostname === site || url.hostname.endsWith(`.${site}`);
}

/** A URL's verdict, with what the audit and logs need to explain it. */
export interface UrlVerdict {
  /** Ids of the vendors the URL belongs to; empty for a URL no vendor file names. */
  vendors: string[];
  rule: string;
  /** Ids of refused vendors (or "third-party" under the failsafe); empty when it may load. */
  refused: string[];
  /** On another site than the page's. */
  thirdParty: boolean;
}

export function judgeUrl(policy: CompiledPolicy, decision: Decision, url: URL, pageUrl: URL): UrlVerdict {
  const { vendors, rule } = explainUrl(policy.urls, url);
  const thirdParty = !isSameSite(url, pageUrl);
  const ids = vendors.map((v) => policy.vendors[v]?.id ?? "unknown");
  const refused = vendors.filter((v) => decision.refused[v]).map((v) => policy.vendors[v]?.id ?? "unknown");
  if (!refused.length && !vendors.length && policy.failsafe && thirdParty)
    return { vendors: ids, rule: "failsafe", refused: ["third-party"], thirdParty };
  return { vendors: ids, rule, refused, thirdParty };
}
