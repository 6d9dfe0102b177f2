/**
 * One JSON line per proxied request: the decision, what was removed per vendor, the consent
 * source, the timing and the policy version. Never an IP, a cookie value, a consent id or a URL
 * query: the path is logged without its query, and nothing from request headers is copied in.
 */
import type { Decision } from "../consent/decide";

export interface RequestLog {
  gk: "request";
  method: string;
  /** The path only, at most 200 characters. */
  path: string;
  status: number;
  html: boolean;
  mode: "enforce" | "shadow" | "failsafe";
  site: string | null;
  policyVersion: number | null;
  basis: Decision["basis"];
  source: string | null;
  allowed: string[];
  gpc: boolean;
  /** Elements removed per vendor id (in shadow mode: that would have been removed). */
  removed: Record<string, number>;
  /**
   * Refused vendors' hosts left in the page where the rewriter cannot remove them (data strings,
   * hosts put together at run time), per vendor id; only when there are any. Such a page needs
   * the CSP in enforce mode.
   */
  references?: Record<string, number>;
  /** From the request's arrival to the end of the page (or the response head when not HTML). */
  ms: number;
  /** What the consent-bucket cache did (`X-Gatekeeper-Cache`); null for anything but HTML. */
  cache: string | null;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function requestLog(input: {
  method: string;
  url: URL;
  status: number;
  html: boolean;
  decision: Decision;
  removed: ReadonlyMap<string, number>;
  references?: ReadonlyMap<string, number>;
  ms: number;
  cache?: string | null;
}): RequestLog {
  const { decision } = input;
  const site = decision.site;
  return {
    gk: "request",
    method: METHODS.has(input.method) ? input.method : "OTHER",
    path: input.url.pathname.slice(0, 200),
    status: input.status,
    html: input.html,
    mode: decision.basis === "failsafe" ? "failsafe" : (site?.mode ?? "enforce"),
    site: site?.id ?? null,
    policyVersion: site?.version ?? null,
    basis: decision.basis,
    source: decision.source ?? null,
    allowed: [...decision.allowed].sort(),
    gpc: decision.gpc,
    removed: Object.fromEntries([...input.removed].sort(([a], [b]) => a.localeCompare(b))),
    ...(input.references?.size
      ? { references: Object.fromEntries([...input.references].sort(([a], [b]) => a.localeCompare(b))) }
      : {}),
    ms: Math.max(0, Math.round(input.ms)),
    cache: input.cache ?? null,
  };
}

/**
 * Writes the line, and per-vendor removal counters to Workers Analytics Engine where bound
 * (https://developers.cloudflare.com/analytics/analytics-engine/).
 */
export function emitRequestLog(line: RequestLog, metrics: AnalyticsEngineDataset | undefined): void {
  console.log(JSON.stringify(line));
  if (!metrics) return;
  for (const [vendor, count] of Object.entries(line.removed))
    metrics.writeDataPoint({ indexes: [vendor], blobs: [vendor, line.site ?? "", line.mode], doubles: [count] });
}
