/**
 * Counts a CSP violation: one data point in Workers Analytics Engine where the binding exists
 * (https://developers.cloudflare.com/analytics/analytics-engine/), else one JSON log line that
 * `npm run csp:report` sums up. Host, directive, vendor and purpose only: nothing identifying.
 */
import type { ClassifiedViolation } from "./report";

export function recordViolation(v: ClassifiedViolation, dataset: AnalyticsEngineDataset | undefined): void {
  if (dataset) {
    dataset.writeDataPoint({
      indexes: [v.blocked.slice(0, 96)],
      blobs: [v.blocked, v.directive, v.vendor, v.purpose, v.disposition],
      doubles: [1],
    });
    return;
  }
  console.log(JSON.stringify({ gk: "csp-violation", ...v }));
}
