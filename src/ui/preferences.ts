/**
 * /__gk/preferences: one checkbox per purpose with its vendors and cookies, the current state,
 * and accept-all / reject-all beside "save". Plain forms: it works without JavaScript.
 */
import type { Purpose, VendorFile } from "../policy/schema";
import type { DeclarationSection } from "./declaration";
import { type Html, html, raw } from "./html";
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

function vendorList(vendors: VendorFile[], lang: Language, t: Texts): Html | "" {
  if (vendors.length === 0) return "";
  const items = vendors.map((v) => {
    const cookies = v.cookies
      .map((c) => html`<code>${c.name}</code> (${formatLifetime(c.lifetime, lang, t.lifetimeSession)})`)
      .join(", ");
    return html`<li>${v.name}${cookies ? html` — ${t.cookies}: ${raw(cookies)}` : ""}</li>`;
  });
  return html`<details><summary>${t.vendors} (${vendors.length})</summary><ul>${items}</ul></details>`;
}

function purposeBlock(p: Purpose, s: DeclarationSection, input: PreferencesInput): Html {
  const { texts: t, lang } = input;
  const id = `gk-p-${p.id}`;
  const on = p.required || input.allowed.has(p.id);
  const state = p.required ? t.alwaysOn : input.chosen ? (on ? t.allowed : t.refused) : t.refused;
  const box = p.required
    ? html`<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-d">`
    : html`<input type="checkbox" id="${id}" name="allow" value="${p.id}"${on ? raw(" checked") : ""} aria-describedby="${id}-d">`;
  return html`<div class="gk-box"><div class="gk-purpose">${box}<div><label for="${id}">${p.name[lang]}</label> <span class="gk-state">(${t.current}: ${state})</span><p id="${id}-d">${p.description[lang]}</p>${vendorList(s.vendors, lang, t)}</div></div></div>`;
}

export function renderPreferences(input: PreferencesInput): string {
  const { texts: t } = input;
  const back = html`<input type="hidden" name="return" value="${input.returnTo}">`;
  // Every form says which language the visitor read, for the consent record.
  const lang = html`<input type="hidden" name="lang" value="${input.lang}">`;
  const required = input.sections
    .filter((s) => s.purpose.required)
    .map((s) => html`<input type="hidden" name="allow" value="${s.purpose.id}">`);
  const blocks = raw(input.sections.map((s) => purposeBlock(s.purpose, s, input)).join("\n"));
  return String(html`<p>${t.preferencesIntro}</p>
<form method="post" action="/__gk/consent" id="gk-save">${back}${required}${lang}
${blocks}
</form>
<div class="gk-actions">
<button type="submit" form="gk-save" class="gk-btn">${t.save}</button>
<form method="post" action="/__gk/consent">${back}${lang}<button type="submit" name="allow" value="all" class="gk-btn">${t.acceptAll}</button></form>
<form method="post" action="/__gk/consent">${back}${lang}<button type="submit" name="allow" value="none" class="gk-btn">${t.rejectAll}</button></form>
</div>
<p><a href="/__gk/cookies">${t.declarationTitle}</a></p>`);
}
