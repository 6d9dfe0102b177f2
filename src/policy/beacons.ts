/**
 * The `beacon:` blocks of the vendor files, compiled once per isolate (by ./compile.ts) into what
 * the beacon routes and the first-party re-pointing use. The schema has already checked every rule
 * (./schema.ts, beaconSchema), so nothing here can fail on a request.
 */
import { compileNameList, compileParamRules, type NameList, type ParamRules } from "../match/param-rules";
import { normalizePath } from "../match/url";
import type { VendorFile } from "./schema";

export type BeaconSource = NonNullable<VendorFile["beacon"]>;
/** What the schema lets a vendor file ask src/beacon/pii.ts to detect. */
export type PiiDetectorName = NonNullable<BeaconSource["pii"]>["detect"][number];

export interface StateRules {
  params: ParamRules;
  /** Set after stripping, in policy order. */
  set: ReadonlyArray<readonly [string, string]>;
}

export interface CompiledTag {
  /** host + lower-case decoded path of each URL that is re-pointed. */
  from: ReadonlyArray<{ host: string; path: string }>;
  to: string;
  upstream: string;
  query: ReadonlyArray<readonly [string, RegExp]>;
  required: readonly string[];
  cacheSeconds: number;
  config: { layer: string; layerParam?: string; set: readonly string[] };
}

export interface CompiledBeacon {
  /** Index of the vendor in the policy; its purpose decides the consent state. */
  vendor: number;
  vendorId: string;
  base: string;
  tag?: CompiledTag;
  collect: { path: string; upstream: string };
  maxBodyBytes: number;
  timeoutMs: number;
  rateLimitBinding?: string;
  ip: { truncate: boolean; param: string };
  withoutConsent: "drop" | "anonymous";
  consented: StateRules;
  anonymous?: StateRules;
  urls?: { params: NameList; query: ParamRules };
  pii?: { params: NameList; detect: readonly PiiDetectorName[] };
}

function stateRules(source: BeaconSource["params"]["consented"]): StateRules {
  return { params: compileParamRules(source), set: Object.entries(source.set) };
}

export function compileBeacon(source: BeaconSource, vendor: number, vendorId: string): CompiledBeacon {
  const tag = source.tag;
  return {
    vendor,
    vendorId,
    base: source.base,
    tag: tag && {
      from: tag.from.map((u) => {
        const slash = u.indexOf("/");
        return { host: u.slice(0, slash), path: normalizePath(u.slice(slash)) };
      }),
      to: tag.to,
      upstream: tag.upstream,
      query: Object.entries(tag.query).map(([name, pattern]) => [name, new RegExp(pattern)] as const),
      required: tag.required,
      cacheSeconds: tag.cacheSeconds,
      config: tag.config,
    },
    collect: source.collect,
    maxBodyBytes: source.maxBodyBytes,
    timeoutMs: source.timeoutMs,
    rateLimitBinding: source.rateLimit?.binding,
    ip: source.ip,
    withoutConsent: source.withoutConsent,
    consented: stateRules(source.params.consented),
    anonymous: source.params.anonymous && stateRules(source.params.anonymous),
    urls: source.urls && { params: compileNameList(source.urls.params), query: compileParamRules(source.urls.query) },
    pii: source.pii && { params: compileNameList(source.pii.params), detect: source.pii.detect },
  };
}

export function compileBeacons(vendors: readonly VendorFile[]): CompiledBeacon[] {
  return vendors.flatMap((v, index) => (v.beacon ? [compileBeacon(v.beacon, index, v.id)] : []));
}
