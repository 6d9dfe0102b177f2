#!/usr/bin/env node
/**
 * `npm run audit`: what the policy does to a page. Runs the real gate (decide() and the
 * HTMLRewriter-based rewriter, in workerd through Miniflare) over the page under every consent
 * state (none, each purpose alone, all) and prints each vendor element with its purpose, the
 * rule that matched, and kept/removed per state. Third-party elements no vendor file names are
 * flagged "unknown third party: classify me".
 *
 *   npm run audit -- demo/site/index.html
 *   npm run audit -- http://127.0.0.1:9000/hinnasto      (audit the origin, not the gatekeeper)
 *   npm run audit -- page.html --json                     machine output
 *   npm run audit -- page.html --state none --state analytics+marketing
 *   npm run audit -- page.html --page-url https://www.kevyt.example/laina
 *   npm run --silent audit -- page.html --propose > policies/vendors/site-hosts.yaml
 *     (a vendor file allowing, under the required purpose, the third-party hosts no vendor file
 *     names; review it first: see scripts/lib/necessary-vendor.ts)
 *   npm run audit -- page.html --policies path/to/policies  another policy directory than policies/
 *
 * Exit code: 0 fine, 1 an unknown third party was found, 2 the audit could not run (usage, an
 * invalid policy, a page that does not load).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { renderDiagnostics } from "../../src/policy/diagnostics";
import { loadPolicy, type Policy } from "../../src/policy/load";
import { type HostEvidence, proposeNecessaryVendor } from "../lib/necessary-vendor";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../lib/policy-files.mjs";
import { type AuditReport, type AuditRow, buildReport, defaultStates, parseStates, renderTable } from "./report";
import { ROOT, startAuditor } from "./run";

const USAGE =
  "usage: npm run audit -- <file.html | http(s)://url> [--json | --propose] [--state none|all|<purpose>[+<purpose>...]]... [--page-url <url>] [--policies <dir>]";
const DEFAULT_PAGE_URL = "https://kevyt.example/";

export interface CliOptions {
  target: string;
  json: boolean;
  states: string[];
  pageUrl?: string;
  /** Print, instead of the table, a vendor file for the unknown third-party hosts. */
  propose?: boolean;
  /** The policy directory to audit with; policies/ unless given. */
  policies?: string;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { target: "", json: false, states: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "--json") opts.json = true;
    else if (arg === "--propose") opts.propose = true;
    else if (arg === "--state") opts.states.push(value());
    else if (arg.startsWith("--state=")) opts.states.push(arg.slice("--state=".length));
    else if (arg === "--page-url") opts.pageUrl = value();
    else if (arg === "--policies") opts.policies = value();
    else if (arg === "-h" || arg === "--help") throw new Error(USAGE);
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (opts.target) throw new Error(`one page at a time\n${USAGE}`);
    else opts.target = arg;
  }
  if (!opts.target) throw new Error(USAGE);
  return opts;
}

/** The page's HTML and the URL it lives at. */
export async function loadPage(target: string, pageUrl?: string): Promise<{ html: string; url: string }> {
  if (/^https?:\/\//i.test(target)) {
    const res = await fetch(target, { redirect: "follow", headers: { accept: "text/html" } });
    const type = res.headers.get("content-type") ?? "";
    if (!res.ok) throw new Error(`${target} answered ${res.status}`);
    if (!/^(text\/html|application\/xhtml\+xml)/i.test(type))
      throw new Error(`${target} is ${type || "of no content type"}, not HTML`);
    return { html: await res.text(), url: pageUrl ?? res.url };
  }
  return { html: readFileSync(target, "utf8"), url: pageUrl ?? DEFAULT_PAGE_URL };
}

/** Runs the audit; the report, or the policy's diagnostics when it does not validate. */
export async function auditTarget(
  opts: CliOptions,
  root = ROOT,
): Promise<{ report: AuditReport; policy: Policy } | { diagnostics: string }> {
  const policyDir = opts.policies === undefined ? undefined : resolve(opts.policies);
  const loaded = loadPolicy(readPolicyFiles(root, policyDir));
  if (!loaded.ok) return { diagnostics: renderDiagnostics(loaded.diagnostics) };
  const purposes = loaded.policy.purposes.map((p) => ({ id: p.id, required: p.required }));
  const states = opts.states.length ? parseStates(opts.states, purposes) : defaultStates(purposes);
  const page = await loadPage(opts.target, opts.pageUrl);
  new URL(page.url); // throws on a bad --page-url
  const auditor = await startAuditor(root, policyDir);
  try {
    const response = await auditor.audit({ html: page.html, pageUrl: page.url, states });
    // What only the runtime can tell (a selector lol-html rejects) fails the audit like the check.
    if (response.diagnostics.length) return { diagnostics: renderDiagnostics(response.diagnostics) };
    return { report: buildReport(opts.target, page.url, response), policy: loaded.policy };
  } finally {
    await auditor.dispose();
  }
}

/** The unknown third-party elements per host, as evidence for the proposal. */
export function unknownHostEvidence(rows: readonly AuditRow[]): HostEvidence[] {
  const byHost = new Map<string, Map<string, number>>();
  for (const row of rows.filter((r) => r.unknown)) {
    const elements = byHost.get(row.target) ?? new Map<string, number>();
    const element = `<${row.tag} ${row.via}>`;
    elements.set(element, (elements.get(element) ?? 0) + 1);
    byHost.set(row.target, elements);
  }
  return [...byHost].map(([host, elements]) => {
    const n = [...elements.values()].reduce((a, b) => a + b, 0);
    const list = [...elements].map(([e, k]) => (k > 1 ? `${e} ×${k}` : e)).join(", ");
    return { host, evidence: `${n} element${n === 1 ? "" : "s"} in the audited page: ${list}` };
  });
}

/** The proposed vendor file for the page's unknown third-party hosts. */
export function proposal(report: AuditReport, policy: Policy): string {
  return proposeNecessaryVendor(policy, unknownHostEvidence(report.rows), `npm run audit of ${report.page}`).yaml;
}

async function main(): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    const result = await auditTarget(opts, resolve(ROOT));
    if ("diagnostics" in result) {
      console.error(
        `The policy does not validate; fix it before auditing (npm run policy:check):\n${result.diagnostics}`,
      );
      return 2;
    }
    const { report } = result;
    if (opts.propose) {
      process.stdout.write(proposal(report, result.policy));
      return report.failsafe ? 2 : 0;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report));
    if (report.unknownThirdParties.length && !opts.json)
      process.stdout.write(
        "\nTo allow them as the site's own (necessary) hosts, run again with --propose: it prints a vendor file to review and save in policies/vendors/.\n",
      );
    if (report.unknownThirdParties.length) return 1;
    return report.failsafe ? 2 : 0;
  } catch (e) {
    console.error(`audit failed: ${(e as Error).message}`);
    return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname))
  process.exitCode = await main();
