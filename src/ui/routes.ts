/**
 * The gatekeeper's own pages: /__gk/preferences, /__gk/cookies and /__gk/consent/receipt. The
 * site's texts in the visitor's language (`?lang=`, else Accept-Language, else the site's default), our
 * strict CSP, no caching, and 503 where no valid site policy covers the host. And the client API
 * (docs/CLIENT-API.md): GET /__gk/consent, the visitor's state as JSON, and GET /__gk/consent.js,
 * the script that defines `window.gatekeeper`.
 */
import type { Hono } from "hono";
import type { Decision } from "../consent/decide";
import { safeReturnPath } from "../consent/form";
import { type ConsentRecord, latestConsentRecord, loggableError } from "../consent/records";
import { type CompiledPolicy, siteFor } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import { consentJson, scriptResponse } from "./client-api/endpoints";
import { SCRIPT_PATH, servedScript } from "./client-api/served";
import { CONSENT_PATH } from "./client-api/state";
import { declarationSections, renderDeclarationHtml } from "./declaration";
import { isLanguage, type Language, pickLanguage } from "./language";
import { PAGE_CSP, renderPage } from "./page";
import { renderPreferences } from "./preferences";
import { renderReceipt } from "./receipt";
import { type Texts, textsFor } from "./texts";

export interface PageRouteDeps {
  policy: CompiledPolicy;
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
}

interface OwnPage {
  decision: Decision;
  site: SiteFile;
  url: URL;
  lang: Language;
  texts: Texts;
}
type Rendered = { title: string; body: string };

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": PAGE_CSP,
  vary: "Cookie, Accept-Language",
};

/** `?lang=` on our own pages, else Accept-Language, else the site's default language. */
function languageOf(request: Request, site: SiteFile): Language {
  const chosen = new URL(request.url).searchParams.get("lang");
  return isLanguage(chosen, site) ? chosen : pickLanguage(request.headers.get("accept-language"), site);
}

export function registerPageRoutes(app: Hono<{ Bindings: Env }>, { policy, decide }: PageRouteDeps): void {
  const sections = declarationSections(policy.purposes, policy.vendorFiles);

  const ownPage = async (
    request: Request,
    subject: string,
    render: (page: OwnPage) => Rendered | Promise<Rendered>,
  ): Promise<Response> => {
    const decision = decide(request);
    const url = new URL(request.url);
    // Under the failsafe no site decides consent, but its pages still render (necessary only).
    const site = decision.site ?? (policy.failsafe ? siteFor(policy, url.hostname) : undefined);
    if (!site)
      return new Response(`${subject} unavailable: no valid site policy for this host.\n`, {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    const lang = languageOf(request, site);
    const { title, body } = await render({ decision, site, url, lang, texts: textsFor(site, lang) });
    return new Response(
      renderPage({ title, lang, languages: site.languages, path: url.pathname, query: url.searchParams, body }),
      {
        headers: PAGE_HEADERS,
      },
    );
  };

  app.get("/__gk/consent/receipt", (c) =>
    ownPage(c.req.raw, "The consent receipt is", async ({ decision, lang, texts }) => {
      const db = c.env?.CONSENT_DB;
      let record: ConsentRecord | null = null;
      if (db && decision.source === "gatekeeper" && decision.consent) {
        try {
          record = await latestConsentRecord(db, decision.consent.id);
        } catch (error) {
          console.error(`tag-gatekeeper: consent record not read (${loggableError(error)})`);
        }
      }
      return {
        title: texts.receiptTitle,
        body: renderReceipt({ texts, lang, purposes: policy.purposes, decision, record }),
      };
    }),
  );

  app.get("/__gk/preferences", (c) =>
    ownPage(c.req.raw, "Preferences are", ({ decision, url, lang, texts }) => ({
      title: texts.preferencesTitle,
      body: renderPreferences({
        sections,
        allowed: decision.allowed,
        chosen: decision.basis === "consent",
        texts,
        lang,
        returnTo: safeReturnPath(url.searchParams.get("return") ?? undefined, url.origin),
      }),
    })),
  );

  app.get("/__gk/cookies", (c) =>
    ownPage(c.req.raw, "The cookie declaration is", ({ site, url, lang, texts }) => ({
      title: texts.declarationTitle,
      body: renderDeclarationHtml({ sections, site, texts, lang, host: url.hostname }),
    })),
  );

  // The client API: the state from the one decision, never cached; the script, cached by version.
  app.get(CONSENT_PATH, (c) =>
    c.json(consentJson(policy, decide(c.req.raw)), 200, { "cache-control": "no-store", vary: "Cookie, Sec-GPC" }),
  );
  app.get(SCRIPT_PATH, (c) => scriptResponse(c.req.raw, servedScript(policy, decide(c.req.raw).site)));
}
