/**
 * The client API's element in every page: `<script data-gatekeeper src=/__gk/consent.js?v=… defer>`
 * carrying the decision in `data-state`, so the page knows its consent state without a request.
 *
 * Included rather than inlined: the script is the same for every page and visitor, so a phone
 * fetches it once and then takes it from its cache (the URL is versioned, immutable for a year),
 * while each page carries only its state, under 100 bytes. Inlined, its ~1.5 KB gzipped would
 * ride on every HTML response, which no cache can share (pages vary by cookie). `defer` keeps it
 * off the critical path: it never blocks parsing or rendering, and it runs before the page's own
 * deferred and module scripts and before DOMContentLoaded. It takes the page's CSP nonce like
 * every injected script, and under a `script-src 'self'` policy without 'unsafe-inline' an
 * included script still runs where an inline one would not.
 */
import type { Decision } from "../../consent/decide";
import type { CompiledPolicy } from "../../policy/compile";
import type { SiteFile } from "../../policy/schema";
import { html, nonceAttribute } from "../html";
import type { Language } from "../language";
import { servedScript } from "./served";
import { type ClientState, stateOfDecision } from "./state";

export interface ClientElementInput {
  /** The versioned script URL (./served.ts). */
  src: string;
  state: ClientState;
  lang: Language;
  nonce?: string;
}

export function renderClientElement(input: ClientElementInput): string {
  // hono/html escapes every interpolated value for the attribute: the JSON's quotes become &quot;.
  return String(
    html`<script data-gatekeeper src="${input.src}" defer${nonceAttribute(input.nonce)} data-state="${JSON.stringify(input.state)}" data-lang="${input.lang}"></script>`,
  );
}

/** The element for a page under this decision. */
export function clientApiElement(
  policy: CompiledPolicy,
  site: SiteFile,
  decision: Decision,
  lang: Language,
  nonce: string | undefined,
): string {
  return renderClientElement({ src: servedScript(policy, site).url, state: stateOfDecision(decision), lang, nonce });
}
