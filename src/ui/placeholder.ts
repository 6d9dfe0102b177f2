/**
 * What stands where a refused vendor was: a short note and a one-click allow for its purpose.
 * The button posts the visitor's current choice plus this one purpose, so allowing the chat does
 * not silently drop what they allowed before.
 */
import type { VendorFile } from "../policy/schema";
import { type Html, html } from "./html";
import { type Language, say } from "./language";

export interface PlaceholderInput {
  vendor: VendorFile;
  lang: Language;
  /** Purposes allowed now; the form keeps them. */
  allowed: readonly string[];
  returnTo: string;
}

function allowForm(input: PlaceholderInput, label: string): Html {
  const keep = [...new Set([...input.allowed, input.vendor.purpose])]
    .sort()
    .map((p) => html`<input type="hidden" name="allow" value="${p}">`);
  // The language the visitor read goes with the choice, for the consent record.
  return html`<form method="post" action="/__gk/consent"><input type="hidden" name="lang" value="${input.lang}">${keep}<input type="hidden" name="return" value="${input.returnTo}"><button type="submit" class="gk-btn">${label}</button></form>`;
}

export function renderPlaceholder(input: PlaceholderInput): string | null {
  const p = input.vendor.placeholder;
  if (!p) return null;
  const cls = p.at === "body-end" ? "gk-chat" : "gk-ph";
  const role = p.at === "body-end" ? html` role="complementary" aria-label="${say(p.button, input.lang)}"` : "";
  return String(
    html`<div data-gatekeeper class="${cls}" lang="${input.lang}" data-gatekeeper-vendor="${input.vendor.id}"${role}><p>${say(p.text, input.lang)}</p>${allowForm(input, say(p.button, input.lang))}</div>`,
  );
}
