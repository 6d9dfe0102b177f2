/**
 * CSP violation reports, in both formats browsers send: the legacy `application/csp-report`
 * (https://www.w3.org/TR/CSP2/#violation-reports) and the Reporting API's
 * `application/reports+json` (https://www.w3.org/TR/reporting-1/). Only the blocked host, the
 * directive and the disposition are kept: no IP, no full URL, no query string. Pure.
 */

import { matchUrl } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";

export const MAX_REPORT_BYTES = 64 * 1024;

export interface Violation {
  /** The blocked host, or a CSP keyword such as "inline" or "eval". */
  blocked: string;
  directive: string;
  disposition: "enforce" | "report";
}

export interface ClassifiedViolation extends Violation {
  /** The vendors claiming the host, or "unknown" for a third party no policy file names. */
  vendor: string;
  purpose: string;
}

const KEYWORDS = new Set([
  "inline",
  "eval",
  "wasm-eval",
  "trusted-types-policy",
  "trusted-types-sink",
  "self",
  "data",
  "blob",
]);

/** The host of a blocked URI, or the keyword the browser reported; never a path or query. */
export function blockedHost(uri: unknown): string {
  if (typeof uri !== "string" || uri === "") return "unknown";
  const keyword = uri.replace(/:$/, "").toLowerCase();
  if (KEYWORDS.has(keyword)) return keyword;
  try {
    const url = new URL(uri);
    return url.hostname || url.protocol.replace(/:$/, "");
  } catch {
    return "unknown";
  }
}

const text = (v: unknown, max = 64) => (typeof v === "string" ? v.slice(0, max).replace(/[^\w-]/g, "") : "");

function fromLegacy(body: Record<string, unknown>): Violation {
  return {
    blocked: blockedHost(body["blocked-uri"]),
    directive:
      text(body["effective-directive"]) || text(String(body["violated-directive"] ?? "").split(" ")[0]) || "unknown",
    disposition: body.disposition === "report" ? "report" : "enforce",
  };
}

function fromReporting(body: Record<string, unknown>): Violation {
  return {
    blocked: blockedHost(body.blockedURL),
    directive: text(body.effectiveDirective) || "unknown",
    disposition: body.disposition === "report" ? "report" : "enforce",
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The violations in a report body, or null when it is neither format. At most 100 per body. */
export function parseCspReports(body: string): Violation[] | null {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return null;
  }
  if (isObject(data) && isObject(data["csp-report"])) return [fromLegacy(data["csp-report"])];
  if (Array.isArray(data)) {
    const out = data
      .slice(0, 100)
      .filter((r): r is Record<string, unknown> => isObject(r) && r.type === "csp-violation" && isObject(r.body))
      .map((r) => fromReporting(r.body as Record<string, unknown>));
    return out.length ? out : null;
  }
  return null;
}

/** Which vendor and purpose a blocked host belongs to, so operators can classify what GTM loads. */
export function classifyViolation(policy: CompiledPolicy, v: Violation): ClassifiedViolation {
  let vendors: number[] = [];
  try {
    vendors = v.blocked.includes(".") ? matchUrl(policy.urls, new URL(`https://${v.blocked}/`)) : [];
  } catch {
    vendors = [];
  }
  const found = vendors.map((i) => policy.vendors[i]).filter((x) => x !== undefined);
  return {
    ...v,
    vendor: found.length ? found.map((x) => x.id).join("+") : "unknown",
    purpose: found.length ? [...new Set(found.map((x) => x.purpose))].join("+") : "unclassified",
  };
}
