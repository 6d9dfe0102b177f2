/**
 * The one decision point: (policy, request) → which purposes are allowed. Everything
 * downstream (tag removal, headers, beacons) reads the Decision and never the cookie.
 */
import { type CompiledPolicy, siteFor } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import { type ConsentCookie, readConsentCookie } from "./cookie";

export type Basis =
  | "consent" // a valid cookie for the current policy version
  | "no-consent" // no cookie: the visitor has not chosen yet
  | "invalid-consent" // duplicated, oversized or garbled cookie
  | "outdated-consent" // given to another policy version, or expired
  | "no-site" // no site policy claims this host
  | "failsafe"; // the policy did not load

export interface Decision {
  allowed: ReadonlySet<string>;
  /** Per vendor index: true when its purpose is not allowed. */
  refused: readonly boolean[];
  basis: Basis;
  /** The parsed cookie when basis is "consent". */
  consent?: ConsentCookie;
  /** The request carried `Sec-GPC: 1` and the site honours it. */
  gpc: boolean;
  site?: SiteFile;
}

export interface DecisionInput {
  host: string;
  headers: Headers;
}

/** Clock skew tolerated on a cookie's issue time. */
const SKEW_SECONDS = 24 * 60 * 60;

export function decide(policy: CompiledPolicy, request: DecisionInput, nowSeconds: number): Decision {
  const site = policy.failsafe ? undefined : siteFor(policy, request.host);
  const allowed = new Set(policy.required);
  let basis: Basis = policy.failsafe ? "failsafe" : "no-site";
  let consent: ConsentCookie | undefined;
  let gpc = false;
  if (site) {
    const found = readConsentCookie(request.headers.get("cookie"), site.consent.cookie);
    basis = found.state === "absent" ? "no-consent" : "invalid-consent";
    if (found.state === "present") {
      const c = found.cookie;
      const fresh =
        c.issuedAt <= nowSeconds + SKEW_SECONDS && c.issuedAt >= nowSeconds - site.consent.lifetimeDays * 86400;
      if (c.version !== site.version || !fresh) basis = "outdated-consent";
      else {
        basis = "consent";
        consent = c;
        const known = new Set(policy.purposes.map((p) => p.id));
        for (const id of c.purposes) if (known.has(id)) allowed.add(id);
      }
    }
    // Sec-GPC is "1" or absent: https://privacycg.github.io/gpc-spec/#the-sec-gpc-header-field-for-http-requests
    if (site.gpc.honour && request.headers.get("sec-gpc")?.trim() === "1") {
      gpc = true;
      for (const id of site.gpc.refuses) allowed.delete(id);
    }
  }
  const refused = policy.vendors.map((v) => !allowed.has(v.purpose));
  return { allowed, refused, basis, consent, gpc, site };
}
