/**
 * Turns what the audit worker observed under each consent state into one row per element, and
 * renders it as a table or JSON. Pure.
 */
import type { Observation } from "../../src/html/observation";
import type { AuditResponse, AuditState } from "./types";

export type Verdict = "kept" | "removed";

export interface AuditRow {
  tag: string;
  via: string;
  /** Host of the URL, the inline snippet, or the selector. */
  target: string;
  /** Vendor ids; empty for an unknown third party. */
  vendors: string[];
  /** The vendors' purposes, without repeats. */
  purposes: string[];
  rule: string;
  /** Per state name. An element the rewriter did not meet in a state (a selector of an allowed vendor) was kept. */
  states: Record<string, Verdict>;
  unknown: boolean;
}

export interface AuditReport {
  page: string;
  pageUrl: string;
  site: { id: string; version: number } | null;
  failsafe: boolean;
  states: Array<{ name: string; allowed: string[] }>;
  rows: AuditRow[];
  /** Hosts of third-party elements no vendor file names. */
  unknownThirdParties: string[];
  /**
   * Vendor hosts named where the rewriter cannot remove them (a data block, a data string in a
   * script, a host put together at run time): only the CSP in enforce mode stops those.
   */
  references: Array<{ tag: string; target: string; vendors: string[] }>;
}

/** none, each optional purpose alone, all: the states the audit runs by default. */
export function defaultStates(purposes: ReadonlyArray<{ id: string; required: boolean }>): AuditState[] {
  const optional = purposes.filter((p) => !p.required).map((p) => p.id);
  return [
    { name: "none", allow: [] },
    ...optional.map((id) => ({ name: id, allow: [id] })),
    { name: "all", allow: optional },
  ];
}

/**
 * `--state` values: `none`, `all`, or purposes joined by `+` (`analytics+marketing`). Throws on a
 * purpose the policy does not declare.
 */
export function parseStates(
  specs: readonly string[],
  purposes: ReadonlyArray<{ id: string; required: boolean }>,
): AuditState[] {
  const optional = purposes.filter((p) => !p.required).map((p) => p.id);
  const known = new Set(purposes.map((p) => p.id));
  return specs
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      if (spec === "none") return { name: "none", allow: [] };
      if (spec === "all") return { name: "all", allow: optional };
      const allow = spec.split("+").filter(Boolean);
      const bad = allow.filter((p) => !known.has(p));
      if (bad.length)
        throw new Error(
          `--state ${spec}: unknown purpose ${bad.join(", ")} (known: none, all, ${[...known].join(", ")})`,
        );
      return { name: spec, allow };
    });
}

const key = (o: Observation) => [o.tag, o.via, o.target, o.vendors.join(","), o.rule].join("\u0000");

export function buildReport(page: string, pageUrl: string, response: AuditResponse): AuditReport {
  const rows: AuditRow[] = [];
  const byId = new Map<string, AuditRow>();
  const stateNames = response.states.map((s) => s.name);
  const references = new Map<string, { tag: string; target: string; vendors: string[] }>();
  for (const state of response.states) {
    // The n-th element with the same description in one state is the n-th in every other.
    const seen = new Map<string, number>();
    for (const o of state.observations) {
      if (o.via === "reference") {
        references.set(key(o), { tag: o.tag, target: o.target, vendors: [...o.vendors] });
        continue;
      }
      const k = key(o);
      const n = (seen.get(k) ?? 0) + 1;
      seen.set(k, n);
      const id = `${k}\u0000${n}`;
      let row = byId.get(id);
      if (!row) {
        row = {
          tag: o.tag,
          via: o.via,
          target: o.target,
          vendors: [...o.vendors],
          purposes: [...new Set(o.vendors.map((v) => response.vendorPurposes[v] ?? "?"))],
          rule: o.rule,
          states: Object.fromEntries(stateNames.map((s) => [s, "kept" as Verdict])),
          unknown: o.vendors.length === 0,
        };
        byId.set(id, row);
        rows.push(row);
      }
      if (o.removed) row.states[state.name] = "removed";
    }
  }
  const unknownThirdParties = [...new Set(rows.filter((r) => r.unknown).map((r) => r.target))].sort();
  return {
    page,
    pageUrl,
    site: response.site,
    failsafe: response.failsafe,
    // Allowed purposes in the policy's order.
    states: response.states.map((s) => ({
      name: s.name,
      allowed: response.purposes.map((p) => p.id).filter((id) => s.allowed.includes(id)),
    })),
    rows,
    unknownThirdParties,
    references: [...references.values()],
  };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");

function element(row: AuditRow): string {
  if (row.via === "inline") return `<${row.tag}> inline`;
  if (row.via === "selector") return `<${row.tag}> container`;
  return `<${row.tag} ${row.via}>`;
}

export function renderTable(report: AuditReport): string {
  const out: string[] = [];
  const site = report.site ? `site ${report.site.id}, policy version ${report.site.version}` : "no site policy";
  out.push(`Audit of ${report.page} as ${report.pageUrl} (${site})`);
  if (report.failsafe)
    out.push(
      "",
      "POLICY INVALID: the gate runs failsafe (necessary only, every third party removed). Run npm run policy:check.",
    );
  const known = report.rows.filter((r) => !r.unknown).length;
  out.push(
    `${known} vendor element${known === 1 ? "" : "s"}, ${report.rows.length - known} unknown third-party element${report.rows.length - known === 1 ? "" : "s"}`,
    "",
  );
  if (report.rows.length) {
    const states = report.states.map((s) => s.name);
    out.push(`| # | element | target | vendor | purpose | rule | ${states.join(" | ")} |`);
    out.push(`|---:|---|---|---|---|---|${states.map(() => "---").join("|")}|`);
    report.rows.forEach((r, i) => {
      const vendor = r.unknown ? "unknown third party: classify me" : r.vendors.join(", ");
      const purpose = r.unknown ? "-" : r.purposes.join(" + ");
      const verdicts = states.map((s) => r.states[s] ?? "kept");
      out.push(
        `| ${i + 1} | ${cell(element(r))} | ${cell(r.target)} | ${cell(vendor)} | ${cell(purpose)} | ${cell(r.rule)} | ${verdicts.join(" | ")} |`,
      );
    });
    out.push("");
  }
  out.push(`States: ${report.states.map((s) => `${s.name} = ${s.allowed.join(" + ") || "nothing"}`).join("; ")}`);
  if (report.unknownThirdParties.length)
    out.push(
      "",
      `Unknown third parties, classify each in a vendor file in policies/vendors/ (the site's own CDNs under a necessary vendor): ${report.unknownThirdParties.join(", ")}`,
    );
  if (report.references.length)
    out.push(
      "",
      `Vendor references the rewriter cannot remove (in data or put together at run time; the CSP in enforce mode stops them): ${report.references.map((r) => `${r.target} (${r.vendors.join(", ")}, in <${r.tag}>)`).join(", ")}`,
    );
  return `${out.join("\n")}\n`;
}
