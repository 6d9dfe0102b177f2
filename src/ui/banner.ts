/**
 * The consent banner, injected at the start of <body> while there is no valid consent. A plain
 * form post works without JavaScript; the few lines of script only move focus to the dialog and
 * apply "reject" without a reload (nothing on the page changes when everything is refused).
 */

import { html, nonceAttribute, raw } from "./html";
import type { Language } from "./language";
import { BANNER_CSS } from "./styles";
import type { Texts } from "./texts";

export interface BannerInput {
  texts: Texts;
  lang: Language;
  /** Same-site path to come back to after choosing. */
  returnTo: string;
  nonce?: string;
}

/**
 * "Reject all" in place goes through the client API (src/ui/client-api/) when it has loaded, so the
 * page's state follows and `gatekeeper:change` fires; before that, through a fetch of its own. If
 * either fails, the form is posted after all, with the allow=none its button would have sent.
 */
export const BANNER_SCRIPT = `(function(){var b=document.getElementById("gk-banner");if(!b)return;try{b.focus({preventScroll:true})}catch(e){}var f=b.querySelector("form");f.addEventListener("submit",function(e){var s=e.submitter,g=window.gatekeeper;if(!s||s.value!=="none"||!window.fetch)return;e.preventDefault();var post=function(){var i=document.createElement("input");i.type="hidden";i.name="allow";i.value="none";f.appendChild(i);f.submit()};if(g){g.set([],{reload:false}).then(function(){b.remove()},post);return}var d=new URLSearchParams(new FormData(f));d.set("allow","none");fetch(f.action,{method:"POST",body:d,credentials:"same-origin",redirect:"manual"}).then(function(r){if(r.type==="opaqueredirect"||r.ok)b.remove();else post()},post)})})();`;

export function renderBanner(input: BannerInput): string {
  const { texts: t, lang, returnTo, nonce } = input;
  return String(html`<div data-gatekeeper id="gk-banner" class="gk" role="dialog" aria-labelledby="gk-banner-title" aria-describedby="gk-banner-body" lang="${lang}" tabindex="-1">\
<h2 id="gk-banner-title">${t.bannerTitle}</h2>\
<p id="gk-banner-body">${t.bannerBody}</p>\
<form method="post" action="/__gk/consent"><input type="hidden" name="return" value="${returnTo}"><input type="hidden" name="lang" value="${lang}"><div class="gk-actions">\
<button type="submit" name="allow" value="all" class="gk-btn">${t.acceptAll}</button>\
<button type="submit" name="allow" value="none" class="gk-btn">${t.rejectAll}</button>\
<a class="gk-btn" href="/__gk/preferences?return=${raw(encodeURIComponent(returnTo))}">${t.settings}</a>\
</div></form>\
<script data-gatekeeper${nonceAttribute(nonce)}>${raw(BANNER_SCRIPT)}</script></div>`);
}

/** The gatekeeper's CSS, once per page, before anything that uses it. */
export function renderStyles(nonce: string | undefined): string {
  return String(html`<style data-gatekeeper${nonceAttribute(nonce)}>${raw(BANNER_CSS)}</style>`);
}

/**
 * The always-present way back to the choice: withdrawing is one click from every page. A labelled
 * navigation landmark, so it is not stray content outside the page's landmarks (axe "region").
 */
export function renderFooterLink(texts: Texts, lang: Language, returnTo: string): string {
  const label = texts.footerLink;
  return String(
    html`<nav data-gatekeeper class="gk-footer" lang="${lang}" aria-label="${label}"><a href="/__gk/preferences?return=${raw(encodeURIComponent(returnTo))}">${label}</a></nav>`,
  );
}
