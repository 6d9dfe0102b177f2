/**
 * The one decision point: (policy, request) → which purposes are allowed. Everything
 * downstream (tag removal, headers, beacons) reads the Decision and never the cookie.
 */

import { type CompiledPolicy, siteFor } from "../policy/compile";
import type { SourceType } from "../policy/consent-sources";
import type { SiteFile } from "../policy/schema";
import type { ConsentCookie } from "./cookie";
import { readSource } from "./sources";

export type Basis =
  | "consent" // a consent source decided: our cookie for the current policy version, or another CMP's
  | "no-consent" // no source has an active choice: the visitor has not chosen yet
  | "invalid-consent" // the first source present but unusable: duplicated, oversized or garbled
  | "outdated-consent" // the first source present but unusable: another version or revision, or expired
  | "no-site" // no site policy claims this host
  | "failsafe"; // the policy did not load

export interface Decision {
  allowed: ReadonlySet<string>;
  /** Per vendor index: true when its purpose is not allowed. */
  refused: readonly boolean[];
  basis: Basis;
  /** The parsed cookie when the gatekeeper's own cookie decided. */
  consent?: ConsentCookie;
  /** The consent source that decided (basis "consent"): the first in the site's priority order. */
  source?: SourceType;
  /** The request carried `Sec-GPC: 1` and the site honours it. */
  gpc: boolean;
  site?: SiteFile;
}

/**
 * The refused vendors as one string ("0110…"): all that fragment filtering and the CSP host list
 * read from a decision, so the key under which they keep what they work out once per isolate.
 */
export function refusalKey(decision: Pick<Decision, "refused">): string {
  return decision.refused.map((r) => (r ? "1" : "0")).join("");
}

export interface DecisionInput {
  host: string;
  headers: Headers;
}

/**
 * Walks the site's consent sources in priority order: the first one present and valid decides
 * (docs/CONSENT.md "Consent sources" and "Records"). One that is missing, garbled, outdated or not an active
 * choice is skipped, never trusted. Without a decision only required purposes run, and the basis
 * says what the first unusable source was. `Sec-GPC: 1` then refuses what the site says, whatever
 * decided.
 */
export function decide(policy: CompiledPolicy, request: DecisionInput, nowSeconds: number): Decision {
  const site = policy.failsafe ? undefined : siteFor(policy, request.host);
  const allowed = new Set(policy.required);
  let basis: Basis = policy.failsafe ? "failsafe" : "no-site";
  let consent: ConsentCookie | undefined;
  let source: SourceType | undefined;
  let gpc = false;
  if (site) {
    basis = "no-consent";
    const ctx = { cookieHeader: request.headers.get("cookie"), now: nowSeconds, site };
    const known = new Set(policy.purposes.map((p) => p.id));
    for (const candidate of site.consent.sources) {
      const reading = readSource(candidate, ctx);
      if (reading.state === "valid") {
        basis = "consent";
        source = candidate.type;
        consent = reading.consent;
        // An unknown purpose id never widens consent.
        for (const id of reading.purposes) if (known.has(id)) allowed.add(id);
        break;
      }
      if (basis === "no-consent" && reading.state === "invalid") basis = "invalid-consent";
      if (basis === "no-consent" && reading.state === "outdated") basis = "outdated-consent";
    }
    // Sec-GPC is "1" or absent: https://privacycg.github.io/gpc-spec/#the-sec-gpc-header-field-for-http-requests
    if (site.gpc.honour && request.headers.get("sec-gpc")?.trim() === "1") {
      gpc = true;
      for (const id of site.gpc.refuses) allowed.delete(id);
    }
  }
  // Under the failsafe every vendor is refused, those of required purposes too: it keeps only
  // the site's own first-party requests.
  const refused = policy.vendors.map((v) => policy.failsafe || !allowed.has(v.purpose));
  return { allowed, refused, basis, consent, source, gpc, site };
}

/**
 * The decision a new choice makes, for the answer to the consent form itself: the cookies the
 * choice refuses are expired in that same response.
 */
export function decisionForChoice(policy: CompiledPolicy, site: SiteFile, purposes: readonly string[]): Decision {
  const allowed = new Set([...policy.required, ...purposes]);
  const refused = policy.vendors.map((v) => !allowed.has(v.purpose));
  return { allowed, refused, basis: "consent", source: "gatekeeper", gpc: false, site };
}
