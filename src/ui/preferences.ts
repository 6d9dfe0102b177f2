/**
 * /__gk/preferences: one checkbox per purpose with its vendors and cookies, the current state,
 * and accept-all / reject-all beside "save". Plain forms: it works without JavaScript.
 */
import type { Purpose, VendorFile } from "../policy/schema";
import type { DeclarationSection } from "./declaration";
import { escapeHtml } from "./escape";
import type { Language } from "./language";
import { formatLifetime } from "./lifetime";
import type { Texts } from "./texts";

export interface PreferencesInput {
  sections: DeclarationSection[];
  allowed: ReadonlySet<string>;
  /** True when the visitor has made a valid choice for this policy version. */
  chosen: boolean;
  texts: Texts;
  lang: Language;
  returnTo: string;
}

function vendorList(vendors: VendorFile[], lang: Language, t: Texts): string {
  if (vendors.length === 0) return "";
  const items = vendors.map((v) => {
    const cookies = v.cookies
      .map((c) => `<code>${escapeHtml(c.name)}</code> (${escapeHtml(formatLifetime(c.lifetime, lang))})`)
      .join(", ");
    return `<li>${escapeHtml(v.name)}${cookies ? ` — ${escapeHtml(t.cookies)}: ${cookies}` : ""}</li>`;
  });
  return `<details><summary>${escapeHtml(t.vendors)} (${vendors.length})</summary><ul>${items.join("")}</ul></details>`;
}

function purposeBlock(p: Purpose, s: DeclarationSection, input: PreferencesInput): string {
  const { texts: t, lang } = input;
  const id = `gk-p-${p.id}`;
  const on = p.required || input.allowed.has(p.id);
  const state = p.required ? t.alwaysOn : input.chosen ? (on ? t.allowed : t.refused) : t.refused;
  const box = p.required
    ? `<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-d">`
    : `<input type="checkbox" id="${id}" name="allow" value="${escapeHtml(p.id)}"${on ? " checked" : ""} aria-describedby="${id}-d">`;
  return `<div class="gk-box"><div class="gk-purpose">${box}<div><label for="${id}">${escapeHtml(p.name[lang])}</label> <span class="gk-state">(${escapeHtml(t.current)}: ${escapeHtml(state)})</span><p id="${id}-d">${escapeHtml(p.description[lang])}</p>${vendorList(s.vendors, lang, t)}</div></div></div>`;
}

export function renderPreferences(input: PreferencesInput): string {
  const { texts: t } = input;
  const back = `<input type="hidden" name="return" value="${escapeHtml(input.returnTo)}">`;
  // Every form says which language the visitor read, for the consent record.
  const lang = `<input type="hidden" name="lang" value="${input.lang}">`;
  const required = input.sections
    .filter((s) => s.purpose.required)
    .map((s) => `<input type="hidden" name="allow" value="${escapeHtml(s.purpose.id)}">`);
  const blocks = input.sections.map((s) => purposeBlock(s.purpose, s, input)).join("\n");
  return `<p>${escapeHtml(t.preferencesIntro)}</p>
<form method="post" action="/__gk/consent" id="gk-save">${back}${required.join("")}${lang}
${blocks}
</form>
<div class="gk-actions">
<button type="submit" form="gk-save" class="gk-btn">${escapeHtml(t.save)}</button>
<form method="post" action="/__gk/consent">${back}${lang}<button type="submit" name="allow" value="all" class="gk-btn">${escapeHtml(t.acceptAll)}</button></form>
<form method="post" action="/__gk/consent">${back}${lang}<button type="submit" name="allow" value="none" class="gk-btn">${escapeHtml(t.rejectAll)}</button></form>
</div>
<p><a href="/__gk/cookies">${escapeHtml(t.declarationTitle)}</a></p>`;
}
