/**
 * The client API's state, pure: what `window.gatekeeper` holds, how a state is read and checked,
 * what counts as a change and what its event says, and the form a choice posts. The edge uses it
 * to put the decision into the page and to answer GET /__gk/consent; the browser script
 * (./runtime.ts, built by scripts/client-api-build.mjs) bundles the same module. So the page, the
 * JSON and decide() always say the same thing. docs/CLIENT-API.md describes the API.
 */

import type { GatekeeperChange, GatekeeperState } from "../../../types/gatekeeper";
import type { Decision } from "../../consent/decide";

/**
 * The state (`allowed`, `decided`, `source`, `gpc`) and a change's event detail, as the shipped
 * declarations (types/gatekeeper.d.ts) give them to site code: the implementation is checked
 * against the same file.
 */
export type ClientState = GatekeeperState;
export type ChangeDetail = GatekeeperChange;

/** Where a choice is posted, and where its answer redirects to so that it reads back the new state. */
export const CONSENT_PATH = "/__gk/consent";
export const PREFERENCES_PATH = "/__gk/preferences";
export const CHANGE_EVENT = "gatekeeper:change";
/** More purposes than a policy can have (the cookie format allows 32): not a state of ours. */
const MAX_PURPOSES = 64;

const sorted = (ids: Iterable<string>): readonly string[] => Object.freeze([...new Set(ids)].sort());

/** The state the decision gives, as the page and GET /__gk/consent show it. */
export function stateOfDecision(decision: Pick<Decision, "allowed" | "basis" | "source" | "gpc">): ClientState {
  return Object.freeze({
    allowed: sorted(decision.allowed),
    decided: decision.basis === "consent",
    source: decision.basis === "consent" ? (decision.source ?? null) : null,
    gpc: decision.gpc,
  });
}

/**
 * A state read from JSON (the page's `data-state`, the answer of GET /__gk/consent), or null when
 * it is not one: anything unexpected is not trusted.
 */
export function readState(value: unknown): ClientState | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const allowed = v.allowed;
  if (!Array.isArray(allowed) || allowed.length > MAX_PURPOSES || !allowed.every((p) => typeof p === "string"))
    return null;
  if (typeof v.decided !== "boolean") return null;
  if (v.source !== null && typeof v.source !== "string") return null;
  if (v.gpc !== undefined && typeof v.gpc !== "boolean") return null;
  return Object.freeze({ allowed: sorted(allowed), decided: v.decided, source: v.source, gpc: v.gpc === true });
}

/**
 * What changed from `before` to `after`, or null when nothing did (no event then). `rendered` is
 * what was allowed when the page was rendered, which decides whether a reload is needed.
 */
export function changeOf(before: ClientState, after: ClientState, rendered: readonly string[]): ChangeDetail | null {
  const added = after.allowed.filter((p) => !before.allowed.includes(p));
  const removed = before.allowed.filter((p) => !after.allowed.includes(p));
  const same =
    added.length === 0 &&
    removed.length === 0 &&
    before.decided === after.decided &&
    before.source === after.source &&
    before.gpc === after.gpc;
  if (same) return null;
  return Object.freeze({
    allowed: after.allowed,
    decided: after.decided,
    source: after.source,
    gpc: after.gpc,
    added: Object.freeze(added),
    removed: Object.freeze(removed),
    reload: after.allowed.some((p) => !rendered.includes(p)),
  });
}

/**
 * The Consent Mode signals an answer of GET /__gk/consent carries (`consentMode`: the same
 * signalStates() the edge's defaults come from), or null when it has none or they are not signals.
 */
export function readConsentMode(value: unknown): Readonly<Record<string, "granted" | "denied">> | null {
  const mode = typeof value === "object" && value !== null ? (value as { consentMode?: unknown }).consentMode : null;
  if (typeof mode !== "object" || mode === null) return null;
  const states = Object.values(mode);
  return states.length && states.every((s) => s === "granted" || s === "denied")
    ? (mode as Record<string, "granted" | "denied">)
    : null;
}

/** Purposes in a choice that the policy does not have. */
export function unknownPurposes(purposes: readonly unknown[], known: readonly string[]): string[] {
  return purposes.filter((p) => typeof p !== "string" || !known.includes(p)).map(String);
}

/**
 * The consent form (the contract's `POST /__gk/consent`) for exactly these purposes: one
 * `allow=<purpose>` each, or `allow=none` for none; the edge adds the required ones. Its answer
 * redirects to GET /__gk/consent, so the same request sequence reads back the state decide() now
 * gives. `lang` is the language the visitor reads, for the consent record.
 */
export function consentFormFields(purposes: readonly string[], lang: string): string[][] {
  const chosen = [...new Set(purposes)].sort();
  const fields = chosen.length ? chosen.map((p) => ["allow", p]) : [["allow", "none"]];
  fields.push(["return", CONSENT_PATH]);
  if (lang) fields.push(["lang", lang]);
  return fields;
}
