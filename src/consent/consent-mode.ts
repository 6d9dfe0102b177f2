/**
 * Google Consent Mode v2 defaults from the decision. Where gtag.js or GTM may load, a
 * `gtag('consent', 'default', {...})` must run before it so Google's tags start in the state the
 * visitor chose. Keys are Google's parameter names as strings, values "granted" or "denied".
 * The script that carries them is rendered by src/ui/consent-mode.ts.
 * https://developers.google.com/tag-platform/security/guides/consent#set_default_consent_state
 */
import type { CompiledPolicy } from "../policy/compile";
import { CONSENT_MODE_SIGNALS, type SiteFile } from "../policy/schema";
import type { Decision } from "./decide";

export type ConsentState = Record<(typeof CONSENT_MODE_SIGNALS)[number], "granted" | "denied">;

/** The defaults, or null when the site has no Consent Mode or none of its vendors may load. */
export function consentModeDefaults(policy: CompiledPolicy, site: SiteFile, decision: Decision): ConsentState | null {
  const mode = site.googleConsentMode;
  if (!mode) return null;
  const loads = policy.vendors.some((v) => mode.vendors.includes(v.id) && !decision.refused[v.index]);
  if (!loads) return null;
  const state = {} as ConsentState;
  for (const signal of CONSENT_MODE_SIGNALS) {
    const purposes = mode.signals[signal] ?? [];
    state[signal] = purposes.every((p) => decision.allowed.has(p)) ? "granted" : "denied";
  }
  return state;
}
