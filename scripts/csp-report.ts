#!/usr/bin/env node
/**
 * `npm run csp:report`: sums up the CSP violations the gate logged, per blocked host, vendor and
 * purpose, so operators see what GTM really injects and can classify it in the policy.
 *   npx wrangler tail --format json > tail.jsonl; npm run csp:report -- tail.jsonl
 *   npm run csp:report -- worker.log              (lines with {"gk":"csp-violation",...})
 *   ... | npm run csp:report                       (standard input)
 *   npm run --silent csp:report -- --propose tail.jsonl > policies/vendors/site-hosts.yaml
 *     (a vendor file allowing, under the required purpose, the hosts no vendor file names)
 *   npm run csp:report -- --propose --policies path/to/policies tail.jsonl
 *     (another policy directory than policies/, as the audit's --policies)
 * With the CSP_REPORTS Analytics Engine binding, query the dataset instead (docs/OPERATIONS.md).
 */
import { readFileSync } from "node:fs";
import type { Policy } from "../src/policy/load";
import { type HostEvidence, proposeNecessaryVendor } from "./lib/necessary-vendor";

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

function rowsOf(text: string): { total: number; sorted: Row[] } {
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
  return { total, sorted };
}

const directivesOf = (r: Row) => [...r.directives].map(([d, n]) => `${d} ${n}`).join(", ");
const isUnclassified = (r: Row) => r.vendor === "unknown" && r.blocked.includes(".");

/** Blocked hosts no vendor file names, with the reports that name them. */
export function unclassifiedHosts(text: string): HostEvidence[] {
  return rowsOf(text)
    .sorted.filter(isUnclassified)
    .map((r) => {
      const n = r.enforce + r.report;
      return { host: r.blocked, evidence: `${n} violation${n === 1 ? "" : "s"}: ${directivesOf(r)}` };
    });
}

export function summarise(text: string): string {
  const { total, sorted } = rowsOf(text);
  const lines = [
    `${total} CSP violation${total === 1 ? "" : "s"}, ${sorted.length} blocked host${sorted.length === 1 ? "" : "s"}`,
    "",
    "| count | blocked host | vendor | purpose | directives | blocked / reported |",
    "|---:|---|---|---|---|---|",
    ...sorted.map(
      (r) =>
        `| ${r.enforce + r.report} | ${r.blocked} | ${r.vendor} | ${r.purpose} | ${directivesOf(r)} | ${r.enforce} / ${r.report} |`,
    ),
  ];
  const unknown = sorted.filter(isUnclassified);
  if (unknown.length)
    lines.push(
      "",
      `Unclassified third parties (add each to a vendor file in policies/vendors/): ${unknown.map((r) => r.blocked).join(", ")}`,
    );
  return `${lines.join("\n")}\n`;
}

/** The proposed vendor file for the unclassified hosts in these logs. */
export function proposal(text: string, policy: Policy): string {
  return proposeNecessaryVendor(policy, unclassifiedHosts(text), "npm run csp:report").yaml;
}

if (process.argv[1]?.endsWith("csp-report.ts")) {
  const args = process.argv.slice(2);
  const propose = args.includes("--propose");
  const at = args.indexOf("--policies");
  const policyDir = at === -1 ? undefined : args[at + 1];
  if (at !== -1 && policyDir === undefined) {
    console.error("--policies needs a directory");
    process.exit(2);
  }
  const files = args.filter((a, i) => a !== "--propose" && (at === -1 || (i !== at && i !== at + 1)));
  const text = files.length ? files.map((f) => readFileSync(f, "utf8")).join("\n") : readFileSync(0, "utf8");
  if (propose) {
    // Loaded here, not at the top: the summary is also imported by tests that run in workerd.
    const { readPolicyFiles } = await import("./lib/policy-files.mjs" as string);
    const { loadPolicy } = await import("../src/policy/load");
    const { fileURLToPath } = await import("node:url");
    const { resolve } = await import("node:path");
    const root = fileURLToPath(new URL("..", import.meta.url));
    const loaded = loadPolicy(readPolicyFiles(root, policyDir === undefined ? undefined : resolve(policyDir)));
    if (!loaded.ok) {
      console.error("The policy does not validate; fix it first (npm run policy:check).");
      process.exit(2);
    }
    process.stdout.write(proposal(text, loaded.policy));
  } else {
    process.stdout.write(summarise(text));
    if (unclassifiedHosts(text).length)
      process.stdout.write(
        "\nTo allow them as the site's own (necessary) hosts, run again with --propose: it prints a vendor file to review and save in policies/vendors/.\n",
      );
  }
}
