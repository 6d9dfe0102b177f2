/**
 * The names of the cookies decide() reads for a site: the gatekeeper's own and every consent
 * source's (`cookie`, and any other `…Cookie` field a source type has). The client API watches
 * them to notice a choice made in another tab. Pure.
 */
import type { SiteFile } from "../../policy/schema";

export function consentCookieNames(site: SiteFile): string[] {
  const names = new Set([site.consent.cookie]);
  for (const source of site.consent.sources)
    for (const [key, value] of Object.entries(source))
      if (typeof value === "string" && (key === "cookie" || key.endsWith("Cookie"))) names.add(value);
  return [...names];
}
