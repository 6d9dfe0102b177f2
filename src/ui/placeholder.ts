/**
 * What stands where a refused vendor was: a short note and a one-click allow for its purpose.
 * The button posts the visitor's current choice plus this one purpose, so allowing the chat does
 * not silently drop what they allowed before.
 */
import type { VendorFile } from "../policy/schema";
import { escapeHtml } from "./escape";
import type { Language } from "./language";

export interface PlaceholderInput {
  vendor: VendorFile;
  lang: Language;
  /** Purposes allowed now; the form keeps them. */
  allowed: readonly string[];
  returnTo: string;
}

function allowForm(input: PlaceholderInput, label: string): string {
  const keep = [...new Set([...input.allowed, input.vendor.purpose])]
    .sort()
    .map((p) => `<input type="hidden" name="allow" value="${escapeHtml(p)}">`)
    .join("");
  // The language the visitor read goes with the choice, for the consent record.
  return `<form method="post" action="/__gk/consent"><input type="hidden" name="lang" value="${input.lang}">${keep}<input type="hidden" name="return" value="${escapeHtml(input.returnTo)}"><button type="submit" class="gk-btn">${escapeHtml(label)}</button></form>`;
}

export function renderPlaceholder(input: PlaceholderInput): string | null {
  const p = input.vendor.placeholder;
  if (!p) return null;
  const text = escapeHtml(p.text[input.lang]);
  const form = allowForm(input, p.button[input.lang]);
  const cls = p.at === "body-end" ? "gk-chat" : "gk-ph";
  const role = p.at === "body-end" ? ` role="complementary" aria-label="${escapeHtml(p.button[input.lang])}"` : "";
  return `<div data-gatekeeper class="${cls}" lang="${input.lang}" data-gatekeeper-vendor="${escapeHtml(input.vendor.id)}"${role}><p>${text}</p>${form}</div>`;
}
