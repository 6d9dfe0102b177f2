/**
 * The site's smoke test: whatever policies/ holds, each vendor's own rules must work as written.
 * Its only expectations come from the policy files themselves: for every vendor of an optional
 * purpose, a page with one element built from each of its `urls` rules, `hosts` and `inline`
 * snippets goes through the real gate (the audit worker, in workerd): with no consent the element
 * is removed as that vendor's, and with only the vendor's purpose allowed it is kept. So a site's
 * valid edits to policies/ are checked without the product's tests knowing any site's vendors.
 * Selectors are checked by `npm run policy:check` (lol-html parses each one); an element for a
 * selector cannot be made up from the selector alone.
 */
import { loadPolicy, type Policy } from "../../src/policy/load";
import type { VendorFile } from "../../src/policy/schema";
import { type Auditor, ROOT, startAuditor } from "../audit/run";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "./policy-files.mjs";

export interface SmokeCase {
  vendor: string;
  purpose: string;
  /**
   * The purposes to allow for the element to be kept: the vendor's, and for a host several vendor
   * files name, each of theirs (such a URL loads only when every vendor it may be is allowed).
   */
  allow: string[];
  /** Which rule the element was built from: `url:<rule>`, `host:<pattern>` or `inline:<snippet>`. */
  rule: string;
  html: string;
}

export interface SmokeFailure {
  case: SmokeCase;
  state: "none" | "purpose";
  problem: string;
}

export interface SmokeResult {
  cases: SmokeCase[];
  failures: SmokeFailure[];
}

/** True when the host pattern (`example.com`, `*.example.com`) names `host`. */
function covers(pattern: string, host: string): boolean {
  if (!pattern.startsWith("*.")) return pattern === host;
  const domain = pattern.slice(2);
  return host === domain || host.endsWith(`.${domain}`);
}

/** One element per rule of the vendor, each a page of its own. */
export function smokeCases(vendor: VendorFile, all: readonly VendorFile[] = [vendor]): SmokeCase[] {
  const base = { vendor: vendor.id, purpose: vendor.purpose, allow: [vendor.purpose] };
  const sharing = (host: string) => [
    ...new Set(all.filter((v) => v.hosts.some((p) => covers(p, host))).map((v) => v.purpose)),
  ];
  const urls = vendor.urls.map((rule) => ({
    ...base,
    rule: `url:${rule}`,
    html: `<script src="https://${rule}"></script>`,
  }));
  // `*.example.com` is the domain itself and every subdomain: one of each.
  const hosts = vendor.hosts.flatMap((pattern) => {
    const domain = pattern.replace(/^\*\./, "");
    const targets = pattern.startsWith("*.") ? [domain, `smoke.${domain}`] : [domain];
    return targets.map((host) => ({
      ...base,
      allow: sharing(host),
      rule: `host:${pattern}`,
      html: `<img src="https://${host}/smoke.gif" alt="">`,
    }));
  });
  const inline = vendor.inline.map((snippet) => ({
    ...base,
    rule: `inline:${snippet}`,
    html: `<script>\n${snippet}\n</script>`,
  }));
  return [...urls, ...hosts, ...inline];
}

/** The page URL a site's smoke pages live at: one of its hosts, or any host for `*`. */
function pageUrl(policy: Policy): string {
  const host = policy.sites[0]?.hosts.find((h) => h !== "*")?.replace(/^\*\./, "www.") ?? "smoke.invalid";
  return `https://${host}/smoke`;
}

/** Runs every vendor's cases through the real gate; failures say which element and state. */
export async function smokePolicies(policyDir: string, root = ROOT): Promise<SmokeResult> {
  const loaded = loadPolicy(readPolicyFiles(root, policyDir));
  if (!loaded.ok) throw new Error(`the policy in ${policyDir} does not load; run npm run policy:check`);
  const required = new Set(loaded.policy.purposes.filter((p) => p.required).map((p) => p.id));
  const vendors = loaded.policy.vendors;
  const cases = vendors.filter((v) => !required.has(v.purpose)).flatMap((v) => smokeCases(v, vendors));
  const auditor = await startAuditor(root, policyDir);
  const failures: SmokeFailure[] = [];
  try {
    for (const c of cases) failures.push(...(await runCase(auditor, c, pageUrl(loaded.policy), required)));
  } finally {
    await auditor.dispose();
  }
  return { cases, failures };
}

async function runCase(
  auditor: Auditor,
  c: SmokeCase,
  url: string,
  required: ReadonlySet<string>,
): Promise<SmokeFailure[]> {
  const html = `<!doctype html><html><head><title>smoke</title></head><body>${c.html}</body></html>`;
  const res = await auditor.audit({
    html,
    pageUrl: url,
    states: [
      { name: "none", allow: [] },
      { name: "purpose", allow: c.allow.filter((p) => !required.has(p)) },
    ],
  });
  if (res.failsafe) return [{ case: c, state: "none", problem: "the policy failed closed" }];
  const failures: SmokeFailure[] = [];
  for (const state of res.states) {
    const mine = state.observations.filter((o) => o.vendors.includes(c.vendor));
    const name = state.name as SmokeFailure["state"];
    if (mine.length === 0) {
      const others = state.observations.map((o) => `${o.rule} (${o.vendors.join(", ") || "unknown"})`);
      failures.push({
        case: c,
        state: name,
        problem: `not recognised as ${c.vendor}${others.length ? `; matched ${others.join("; ")}` : ""}`,
      });
      continue;
    }
    const expectRemoved = name === "none";
    if (mine.some((o) => o.removed !== expectRemoved))
      failures.push({
        case: c,
        state: name,
        problem: expectRemoved
          ? "kept without consent"
          : `removed with ${c.allow.join(", ")} allowed (${mine
              .filter((o) => o.removed)
              .map((o) => o.rule)
              .join(", ")})`,
      });
  }
  return failures;
}

/** A failure as one line an operator can act on. */
export function describeFailure(f: SmokeFailure): string {
  const state = f.state === "none" ? "with no consent" : `with only ${f.case.allow.join(", ")} allowed`;
  return `${f.case.vendor} ${f.case.rule} ${state}: ${f.problem}\n    page: ${f.case.html}`;
}
