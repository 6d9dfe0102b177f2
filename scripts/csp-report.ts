#!/usr/bin/env node
/**
 * `npm run csp:report`: sums up the CSP violations the gate logged, per blocked host, vendor and
 * purpose, so operators see what GTM really injects and can classify it in the policy.
 *   npx wrangler tail --format json > tail.jsonl; npm run csp:report -- tail.jsonl
 *   npm run csp:report -- worker.log              (lines with {"gk":"csp-violation",...})
 *   ... | npm run csp:report                       (standard input)
 * With the CSP_REPORTS Analytics Engine binding, query the dataset instead (docs/OPERATIONS.md).
 */
import { readFileSync } from "node:fs";

interface Row {
  blocked: string;
  vendor: string;
  purpose: string;
  directives: Map<string, number>;
  enforce: number;
  report: number;
}

/** Violation records in one line: a bare log line, or a `wrangler tail --format json` event. */
export function violationsIn(line: string): Array<Record<string, string>> {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return [];
  }
  const out: Array<Record<string, string>> = [];
  const visit = (v: unknown) => {
    if (typeof v === "string") {
      if (v.includes('"gk":"csp-violation"')) out.push(...violationsIn(v));
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.gk === "csp-violation") out.push(o as Record<string, string>);
      else Object.values(o).forEach(visit);
    }
  };
  visit(data);
  return out;
}

export function summarise(text: string): string {
  const rows = new Map<string, Row>();
  let total = 0;
  for (const line of text.split("\n")) {
    for (const v of violationsIn(line.trim())) {
      total++;
      const key = `${v.blocked}\t${v.vendor}\t${v.purpose}`;
      const row = rows.get(key) ?? {
        blocked: v.blocked ?? "unknown",
        vendor: v.vendor ?? "unknown",
        purpose: v.purpose ?? "unclassified",
        directives: new Map(),
        enforce: 0,
        report: 0,
      };
      row.directives.set(v.directive ?? "?", (row.directives.get(v.directive ?? "?") ?? 0) + 1);
      if (v.disposition === "report") row.report++;
      else row.enforce++;
      rows.set(key, row);
    }
  }
  const sorted = [...rows.values()].sort(
    (a, b) => b.enforce + b.report - (a.enforce + a.report) || a.blocked.localeCompare(b.blocked),
  );
  const lines = [
    `${total} CSP violation${total === 1 ? "" : "s"}, ${sorted.length} blocked host${sorted.length === 1 ? "" : "s"}`,
    "",
    "| count | blocked host | vendor | purpose | directives | blocked / reported |",
    "|---:|---|---|---|---|---|",
    ...sorted.map(
      (r) =>
        `| ${r.enforce + r.report} | ${r.blocked} | ${r.vendor} | ${r.purpose} | ${[...r.directives].map(([d, n]) => `${d} ${n}`).join(", ")} | ${r.enforce} / ${r.report} |`,
    ),
  ];
  const unknown = sorted.filter((r) => r.vendor === "unknown" && r.blocked.includes("."));
  if (unknown.length)
    lines.push(
      "",
      `Unclassified third parties (add each to a vendor file in policies/vendors/): ${unknown.map((r) => r.blocked).join(", ")}`,
    );
  return `${lines.join("\n")}\n`;
}

if (process.argv[1]?.endsWith("csp-report.ts")) {
  const files = process.argv.slice(2);
  const text = files.length ? files.map((f) => readFileSync(f, "utf8")).join("\n") : readFileSync(0, "utf8");
  process.stdout.write(summarise(text));
}
