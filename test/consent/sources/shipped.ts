/** The test policy's site's consent sources, and a context for calling one adapter directly. */

import type { SourceContext } from "../../../src/consent/sources";
import { activatePolicy } from "../../../src/policy/active";
import type { SourceOf, SourceType } from "../../../src/policy/consent-sources";
import { SHIPPED } from "../../helpers/gate";

export const shippedSite = activatePolicy(SHIPPED).policy.sites[0]!;

export function shippedSource<T extends SourceType>(type: T): SourceOf<T> {
  const found = shippedSite.consent.sources.find((s) => s.type === type);
  if (!found) throw new Error(`the test site has no ${type} source`);
  return found as SourceOf<T>;
}

export function context(cookieHeader: string | null, now: number): SourceContext {
  return { cookieHeader, now, site: shippedSite };
}

export const ALL_OPTIONAL = ["analytics", "functional", "marketing", "social"];
