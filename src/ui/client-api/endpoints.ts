/**
 * What the client API's endpoints answer (docs/CLIENT-API.md); ../routes.ts registers them:
 *
 * - `GET /__gk/consent`: the visitor's state as JSON, from the one decision. Browsers read it
 *   after a choice (the consent form's answer redirects here); other clients read it directly.
 * - `GET /__gk/consent.js`: the script that defines `window.gatekeeper`, per site, cacheable:
 *   immutable for a year under its current `?v=` version, five minutes otherwise, with an ETag.
 */
import { consentModeSignals } from "../../consent/consent-mode";
import { signalStates } from "../../consent/consent-signals";
import type { Decision } from "../../consent/decide";
import type { CompiledPolicy } from "../../policy/compile";
import type { ServedScript } from "./served";
import { type ClientState, stateOfDecision } from "./state";

/** GET /__gk/consent's body: the page's state, and what a client needs beside it. */
export interface ConsentJson extends ClientState {
  /** Every purpose id of the policy. */
  purposes: string[];
  /** The site policy's version (a choice made under another counts as none), or null without a site. */
  version: number | null;
  /** Google Consent Mode signals for this state, as the edge's defaults; null without googleConsentMode. */
  consentMode: Record<string, "granted" | "denied"> | null;
}

export function consentJson(policy: CompiledPolicy, decision: Decision): ConsentJson {
  const signals = decision.site ? consentModeSignals(decision.site) : null;
  return {
    ...stateOfDecision(decision),
    purposes: policy.purposes.map((p) => p.id),
    version: decision.site?.version ?? null,
    consentMode: signals ? signalStates(signals, decision.allowed) : null,
  };
}

const YEAR = 365 * 24 * 60 * 60;

/** GET /__gk/consent.js's answer for a site's script: cached by version, revalidated by ETag. */
export function scriptResponse(request: Request, script: ServedScript): Response {
  const url = new URL(request.url);
  const etag = `"${script.version}"`;
  const headers = {
    "content-type": "text/javascript; charset=utf-8",
    "x-content-type-options": "nosniff",
    "cache-control":
      url.searchParams.get("v") === script.version ? `public, max-age=${YEAR}, immutable` : "public, max-age=300",
    etag,
  };
  const match = request.headers.get("if-none-match");
  // RFC 9110 §13.1.2: a list of entity tags (weak ones compared weakly), or "*".
  const matches = match?.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
  if (matches) return new Response(null, { status: 304, headers });
  return new Response(script.body, { headers });
}
