/**
 * The audit worker: runs the real gate's decision and rewriter (src/consent/decide.ts,
 * src/html/rewriter.ts, src/policy/active.ts) over one page under each requested consent state,
 * inside workerd, and answers with what the rewriter observed. scripts/audit/run.ts bundles it
 * with esbuild and runs it in Miniflare; it is never deployed.
 */
import { serializeConsentValue } from "../../src/consent/cookie";
import { type Decision, decide, decisionForChoice } from "../../src/consent/decide";
import type { Observation } from "../../src/html/observation";
import type { RewritePlan } from "../../src/html/plan";
import { rewriteHtml } from "../../src/html/rewriter";
import { activatePolicy } from "../../src/policy/active";
import { siteFor } from "../../src/policy/compile";
import type { PolicyFiles } from "../../src/policy/load";
import type { AuditRemoval, AuditRequest, AuditResponse, AuditStateResult } from "./types";

const DEFAULT_INLINE_LIMIT = 1024 * 1024;
const AUDIT_CONSENT_ID = "AAAAAAAAAAAAAAAAAAAAAA";

async function audit(input: AuditRequest): Promise<AuditResponse> {
  const { policy, diagnostics } = activatePolicy(input.files as PolicyFiles);
  const pageUrl = new URL(input.pageUrl);
  const site = policy.failsafe ? undefined : siteFor(policy, pageUrl.hostname);
  const states: AuditStateResult[] = [];
  for (const state of input.states) {
    const wanted = new Set([...policy.required, ...state.allow]);
    const headers = new Headers();
    if (site && state.allow.length)
      headers.set(
        "cookie",
        `${site.consent.cookie}=${serializeConsentValue({
          version: site.version,
          purposes: [...wanted].sort(),
          issuedAt: input.now - 60,
          id: AUDIT_CONSENT_ID,
        })}`,
      );
    let decision: Decision = decide(policy, { host: pageUrl.hostname, headers }, input.now);
    let basis: string = decision.basis;
    // A site that reads no gatekeeper cookie: apply the state as if just chosen on the banner.
    if (site && !sameSet(decision.allowed, wanted)) {
      decision = decisionForChoice(policy, site, state.allow);
      basis = "choice";
    }
    const observations: Observation[] = [];
    const removals: AuditRemoval[] = [];
    const plan: RewritePlan = {
      policy,
      decision,
      pageUrl,
      inlineLimit: site?.limits.inlineBytes ?? DEFAULT_INLINE_LIMIT,
      onRemoved: (r) => removals.push({ vendor: r.vendor, kind: r.kind, tag: r.tag }),
      observe: (o) => observations.push({ ...o, vendors: [...o.vendors] }),
    };
    const page = new Response(input.html, { headers: { "content-type": "text/html; charset=utf-8" } });
    await rewriteHtml(page, plan).text();
    states.push({ name: state.name, allowed: [...decision.allowed].sort(), basis, observations, removals });
  }
  return {
    site: site ? { id: site.id, version: site.version } : null,
    failsafe: policy.failsafe,
    diagnostics: [...diagnostics],
    purposes: policy.purposes.map((p) => ({ id: p.id, required: p.required === true })),
    vendorPurposes: Object.fromEntries(policy.vendors.map((v) => [v.id, v.purpose])),
    states,
  };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

export default {
  async fetch(request: Request): Promise<Response> {
    try {
      return Response.json(await audit((await request.json()) as AuditRequest));
    } catch (e) {
      return Response.json({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }, { status: 500 });
    }
  },
};
