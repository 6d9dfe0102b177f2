/**
 * Inert stand-ins for a refused vendor's globals. Site code calls what a vendor's snippet defines
 * (`dataLayer.push(...)`, `gtag(...)`, `fbq(...)`, `Intercom(...)`); once the refused snippet is
 * removed those would throw (`dataLayer is not defined`) and stop the site's own handlers. Each
 * vendor file declares its globals (`standIns`); the page gets one `data-gatekeeper` script, first
 * in <head> with the other injections, that defines what is not already defined: arrays stay
 * empty of anything sent, functions only queue their calls. No request is made.
 */
import type { Decision } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import { html, nonceAttribute, raw } from "./html";

export interface StandIns {
  arrays: string[];
  queues: string[];
}

/** The refused vendors' globals, less any an allowed vendor declares (its own snippet defines it). */
export function standInsFor(policy: CompiledPolicy, decision: Decision): StandIns {
  const allowed = new Set<string>();
  const refused = new Map<string, "array" | "queue">();
  for (const vendor of policy.vendors) {
    const file = policy.vendorFiles[vendor.index];
    for (const { global, kind } of file?.standIns ?? []) {
      if (decision.refused[vendor.index]) refused.set(global, refused.get(global) ?? kind);
      else allowed.add(global);
    }
  }
  const out: StandIns = { arrays: [], queues: [] };
  for (const [global, kind] of refused) {
    if (allowed.has(global)) continue;
    (kind === "array" ? out.arrays : out.queues).push(global);
  }
  return out;
}

/** The script, or "" when there is nothing to stand in for. Names are JS identifiers (schema). */
export function renderStandIns(standIns: StandIns, nonce: string | undefined): string {
  if (!standIns.arrays.length && !standIns.queues.length) return "";
  const args = `${JSON.stringify(standIns.arrays)},${JSON.stringify(standIns.queues)}`;
  return String(
    html`<script data-gatekeeper${nonceAttribute(nonce)}>(function(w,a,f){a.forEach(function(n){w[n]=w[n]||[]});f.forEach(function(n){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)}})})(window,${raw(args)});</script>`,
  );
}
