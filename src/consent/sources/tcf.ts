/**
 * IAB TCF v2.2 `euconsent-v2`, decoded with @iabtcf/core (IAB Tech Lab's reference library; no
 * hand-written decoder). Pure: decoding needs no Global Vendor List and nothing is fetched.
 *
 * A purpose of ours is allowed when, for every TCF purpose its map lists, the string records
 * consent (legitimate interest never counts: cookies need consent), and every listed vendor has
 * consent with no publisher restriction other than "require consent" on those purposes. Strings
 * of another scope (global), an older policy version (TCF v2.0/2.1 are below 4) or older than
 * the site's consent lifetime are not used.
 * https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework/blob/master/TCFv2/IAB%20Tech%20Lab%20-%20Consent%20string%20and%20vendor%20list%20formats%20v2.md
 */
import { RestrictionType, type TCModel, TCString } from "@iabtcf/core";
import type { SourceOf } from "../../policy/consent-sources";
import { cookieValue, isFresh, type SourceContext, type SourceReading } from "./common";

/** A core segment first (version 2 encodes as "C"), then up to three more base64url segments. */
const TC_STRING = /^C[A-Za-z0-9_-]{20,}(\.[A-Za-z0-9_-]+){0,3}$/;

export function decodeTcString(value: string): TCModel | null {
  if (!TC_STRING.test(value)) return null;
  try {
    return TCString.decode(value);
  } catch {
    return null;
  }
}

export function readTcfSource(source: SourceOf<"tcf">, ctx: SourceContext): SourceReading {
  const found = cookieValue(ctx.cookieHeader, source.cookie);
  if (found.state !== "present") return found;
  const model = decodeTcString(found.value);
  if (!model) return { state: "invalid", reason: "not a TC string" };
  if (Number(model.version) !== 2) return { state: "invalid", reason: "not TCF v2" };
  const updated = model.lastUpdated?.getTime();
  if (updated === undefined || !Number.isFinite(updated)) return { state: "invalid", reason: "no lastUpdated" };
  if (!model.isServiceSpecific) return { state: "outdated", reason: "global-scope string" };
  if (Number(model.policyVersion) < source.minPolicyVersion)
    return { state: "outdated", reason: `policy version ${model.policyVersion}` };
  if (!isFresh(Math.floor(updated / 1000), ctx)) return { state: "outdated", reason: "expired" };
  const purposes = Object.entries(source.map)
    .filter(([, need]) =>
      need.purposes.every((p) => model.purposeConsents.has(p) && vendorsMay(model, need.vendors, p)),
    )
    .map(([purpose]) => purpose)
    .sort();
  return { state: "valid", purposes };
}

function vendorsMay(model: TCModel, vendors: readonly number[], purpose: number): boolean {
  return vendors.every((v) => {
    if (!model.vendorConsents.has(v)) return false;
    const restriction = model.publisherRestrictions.getRestrictionType(v, purpose);
    return restriction === undefined || restriction === RestrictionType.REQUIRE_CONSENT;
  });
}
