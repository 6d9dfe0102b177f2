/**
 * TC strings of exact purpose and vendor combinations, encoded with @iabtcf/core itself (the
 * decoder under test is the same library's). Encoding needs a Global Vendor List; a minimal one
 * with the two vendors the test policy names is built here, offline.
 */
import { GVL, PurposeRestriction, type RestrictionType, TCModel, TCString } from "@iabtcf/core";

const purposes = Object.fromEntries(
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((id) => [
    id,
    { id, name: `Purpose ${id}`, description: "", illustrations: [] },
  ]),
);
const vendor = (id: number) => ({
  id,
  name: `Vendor ${id}`,
  purposes: [1, 2, 3, 4, 7, 8, 9],
  legIntPurposes: [],
  flexiblePurposes: [2, 7, 8, 9],
  specialPurposes: [],
  features: [],
  specialFeatures: [],
  policyUrl: "https://vendor.example/privacy",
  cookieMaxAgeSeconds: 31_536_000,
  usesCookies: true,
  cookieRefresh: false,
  usesNonCookieAccess: false,
});

function gvl(policyVersion: number): GVL {
  return new GVL({
    gvlSpecificationVersion: 3,
    vendorListVersion: 100,
    tcfPolicyVersion: policyVersion,
    lastUpdated: "2025-11-01T00:00:00Z",
    purposes,
    specialPurposes: {},
    features: {},
    specialFeatures: {},
    stacks: {},
    dataCategories: {},
    vendors: { 755: vendor(755), 804: vendor(804) },
  } as never);
}

export interface TcOptions {
  purposes?: number[];
  legitimateInterests?: number[];
  vendors?: number[];
  /** Unix seconds; TCF v2.2 keeps only the day. */
  updated: number;
  policyVersion?: number;
  serviceSpecific?: boolean;
  restrictions?: Array<{ vendor: number; purpose: number; type: RestrictionType }>;
}

export function tcString(o: TcOptions): string {
  const model = new TCModel(gvl(o.policyVersion ?? 5));
  model.cmpId = 7;
  model.cmpVersion = 1;
  model.isServiceSpecific = o.serviceSpecific ?? true;
  model.purposeConsents.set(o.purposes ?? []);
  model.purposeLegitimateInterests.set(o.legitimateInterests ?? []);
  model.vendorConsents.set(o.vendors ?? []);
  for (const r of o.restrictions ?? [])
    model.publisherRestrictions.add(r.vendor, new PurposeRestriction(r.purpose, r.type));
  model.created = new Date(o.updated * 1000);
  model.lastUpdated = new Date(o.updated * 1000);
  return TCString.encode(model);
}
