/**
 * What a page gets injected under a decision: Consent Mode, the client API, banner, footer link,
 * placeholders.
 * The result is the `injections` of the rewrite plan (src/html/injections.ts says where each goes).
 */
import { consentModeDefaults } from "../consent/consent-mode";
import type { Decision } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import { renderBanner, renderFooterLink, renderStyles } from "./banner";
import { clientApiElement } from "./client-api/element";
import { renderConsentModeScript } from "./consent-mode";
import type { Language } from "./language";
import { renderPlaceholder } from "./placeholder";
import { renderStandIns, standInsFor } from "./stand-ins";
import { textsFor } from "./texts";

export interface PageContext {
  policy: CompiledPolicy;
  site: SiteFile;
  decision: Decision;
  lang: Language;
  /** The page's own path and query, to come back to after a choice. */
  returnTo: string;
  nonce?: string;
  /** A top-level document (not an iframe or a fetch of a fragment): only it gets the banner. */
  topLevel: boolean;
}

export function pageInjections(ctx: PageContext) {
  const { policy, site, decision, lang, returnTo, nonce } = ctx;
  const texts = textsFor(site, lang);
  const allowed = [...decision.allowed];
  const showBanner = ctx.topLevel && decision.basis !== "consent";
  const replacements = new Map<number, string>();
  const afterRemoval = new Map<string, string>();
  for (const vendor of policy.vendors) {
    const file = policy.vendorFiles[vendor.index];
    if (!decision.refused[vendor.index] || !file?.placeholder) continue;
    const html = renderPlaceholder({ vendor: file, lang, allowed, returnTo });
    if (!html) continue;
    if (file.placeholder.at === "selector") replacements.set(vendor.index, html);
    // A floating button would sit on top of the banner; the banner's own choices cover it.
    else if (!showBanner) afterRemoval.set(vendor.id, html);
  }
  const consentMode = consentModeDefaults(policy, site, decision);
  const banner = showBanner ? renderBanner({ texts, lang, returnTo, nonce }) : "";
  return {
    // Consent Mode's defaults must run before Google's tags; the client API is deferred anyway.
    headStart:
      (consentMode ? renderConsentModeScript(consentMode, nonce) : "") +
      clientApiElement(policy, site, decision, lang, nonce) +
      renderStandIns(standInsFor(policy, decision), nonce),
    // The CSS goes only where something visible needs it.
    bodyStart: banner || replacements.size || afterRemoval.size ? renderStyles(nonce) + banner : undefined,
    bodyEnd: site.ui.footerLink ? renderFooterLink(texts, lang, returnTo) : undefined,
    replacements,
    afterRemoval,
  };
}
