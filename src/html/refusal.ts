/**
 * Whether a URL may load under a decision. Pure: the rewriter asks it for attributes, the
 * gate asks it for Link headers.
 */
import type { Decision } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import { matchUrl } from "./url-match";

/**
 * Ids of the refused vendors this URL belongs to; empty when it may load. Under the failsafe
 * (policy did not load), an unclassified third-party URL is refused as "third-party".
 */
export function refusedBy(policy: CompiledPolicy, decision: Decision, url: URL, pageUrl: URL): string[] {
  const vendors = matchUrl(policy.urls, url);
  const refused = vendors.filter((v) => decision.refused[v]).map((v) => policy.vendors[v]?.id ?? "unknown");
  if (refused.length || vendors.length || !policy.failsafe) return refused;
  return isSameSite(url, pageUrl) ? [] : ["third-party"];
}

/** Without the public suffix list, same site means the same host or its last two labels. */
export function isSameSite(url: URL, page: URL): boolean {
  if (url.hostname === page.hostname) return true;
  const site = page.hostname.split(".").slice(-2).join(".");
  return url.hostname === site || url.hostname.endsWith(`.${site}`);
}
