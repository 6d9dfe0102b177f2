/**
 * The `gtag('consent', 'default', {...})` script that carries the decision's Consent Mode defaults
 * (src/consent/consent-mode.ts) into the page, first thing in <head>.
 * https://developers.google.com/tag-platform/security/guides/consent#set_default_consent_state
 */
import type { ConsentState } from "../consent/consent-mode";
import { html, nonceAttribute, raw } from "./html";

export function renderConsentModeScript(state: ConsentState, nonce: string | undefined): string {
  return String(
    html`<script data-gatekeeper${nonceAttribute(nonce)}>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag("consent","default",${raw(JSON.stringify(state))});</script>`,
  );
}
