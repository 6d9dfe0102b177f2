/**
 * Routes and wiring. The only module that sees Hono's context: it reads the request, asks
 * decide() once, and hands the Decision to the modules that act on it.
 */

import { Hono } from "hono";
import { registerBeaconRoutes } from "./beacon/routes";
import { consentSetCookie, newConsentId, readConsentCookie, serializeConsentValue } from "./consent/cookie";
import { type Decision, decide, decisionForChoice } from "./consent/decide";
import { isSameOriginPost, MAX_FORM_BYTES, parseConsentForm, safeReturnPath } from "./consent/form";
import { type ConsentRecord, latestConsentRecord, loggableError, recordConsent } from "./consent/records";
import { refusedCookieRule, stripRefusedCookies, withdrawalCookies } from "./consent/withdrawal";
import { allowedHostPatterns, buildCsp, CSP_REPORT_PATH, originScriptSources } from "./csp/header";
import { recordViolation } from "./csp/record";
import { classifyViolation, MAX_REPORT_BYTES, parseCspReports } from "./csp/report";
import { refusedBy } from "./html/refusal";
import { needsRewrite, type Removal, type RewritePlan } from "./html/rewriter";
import { resolveUrl } from "./html/url-match";
import { pageNonce } from "./http/csp";
import { errorPage } from "./http/error-page";
import { gateResponse, isHtml } from "./http/gate-response";
import { forwardToOrigin } from "./http/origin";
import { readLimited } from "./http/read-body";
import { emitRequestLog, requestLog } from "./http/request-log";
import type { ActivePolicy } from "./policy/active";
import type { SiteFile } from "./policy/schema";
import { registerClientApiRoutes } from "./ui/client-api/routes";
import { declarationSections, renderDeclarationHtml } from "./ui/declaration";
import { pageInjections } from "./ui/injections";
import { isLanguage, type Language, pickLanguage } from "./ui/language";
import { PAGE_CSP, renderPage } from "./ui/page";
import { renderPreferences } from "./ui/preferences";
import { renderReceipt } from "./ui/receipt";
import { type Texts, textsFor } from "./ui/texts";

export interface Env {
  /** Where every non-gatekeeper request goes; unset, the request URL's own host. */
  ORIGIN?: string;
  /** Workers Analytics Engine dataset for CSP report counts; logs are used where it is absent. */
  CSP_REPORTS?: AnalyticsEngineDataset;
  /** Workers Analytics Engine dataset for per-vendor removal counters, where bound. */
  GK_METRICS?: AnalyticsEngineDataset;
  /** D1 database for proof of consent (wrangler.toml `[[d1_databases]]`); unbound, nothing is recorded. */
  CONSENT_DB?: D1Database;
}

export interface AppOptions {
  policy: ActivePolicy;
  /** Outbound fetch to the origin; the global fetch unless a test injects one. */
  fetch?: typeof fetch;
  /** Outbound fetch to vendors' upstreams (first-party tags and beacons); the global fetch unless injected. */
  vendorFetch?: typeof fetch;
  /** Unix seconds; injected by tests. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_INLINE_LIMIT = 1024 * 1024;

export function createApp(options: AppOptions) {
  const { policy, diagnostics } = options.policy;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const app = new Hono<{ Bindings: Env }>();
  const decideFor = (request: Request): Decision =>
    decide(policy, { host: new URL(request.url).hostname, headers: request.headers }, now());
  const sections = declarationSections(policy.purposes, policy.vendorFiles);
  /** `?lang=` on our own pages, else Accept-Language, else Finnish. */
  const languageOf = (request: Request): Language => {
    const chosen = new URL(request.url).searchParams.get("lang");
    return isLanguage(chosen) ? chosen : pickLanguage(request.headers.get("accept-language"));
  };
  const pageHeaders = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": PAGE_CSP,
    vary: "Cookie, Accept-Language",
  };

  app.get("/__gk/health", (c) => {
    const decision = decideFor(c.req.raw);
    const ok = diagnostics.length === 0;
    return c.json(
      {
        status: ok ? "ok" : "failsafe",
        policy: {
          site: decision.site?.id ?? null,
          version: decision.site?.version ?? null,
          errors: diagnostics.length,
        },
      },
      ok ? 200 : 503,
      { "cache-control": "no-store" },
    );
  });

  app.post("/__gk/consent", async (c) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    const noStore = { "cache-control": "no-store" };
    if (!isSameOriginPost(request.headers, url.origin))
      return c.text("Cross-site consent posts are refused.\n", 403, noStore);
    const site = decideFor(request).site;
    if (!site) return c.text("Consent cannot be recorded: no valid site policy for this host.\n", 503, noStore);
    const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data")
      return c.text(
        "Send the consent form as application/x-www-form-urlencoded or multipart/form-data.\n",
        415,
        noStore,
      );
    const declared = Number(request.headers.get("content-length") ?? "0");
    if (declared > MAX_FORM_BYTES) return c.text("Consent form too large.\n", 413, noStore);
    let fields: Array<[string, string]>;
    try {
      const body = await readLimited(request, MAX_FORM_BYTES);
      if (body === null) return c.text("Consent form too large.\n", 413, noStore);
      fields =
        type === "multipart/form-data"
          ? [...(await new Response(body, { headers: request.headers }).formData()).entries()].map(([k, v]) => [
              k,
              String(v),
            ])
          : [...new URLSearchParams(new TextDecoder().decode(body)).entries()];
    } catch {
      return c.text("Consent form could not be read.\n", 400, noStore);
    }
    const form = parseConsentForm(fields, policy.purposes, url.origin);
    if (!form.ok) return c.text(`Consent form rejected: ${form.error}\n`, 400, noStore);
    const issuedAt = now();
    // A visitor keeps their consent id across choices, so their records form one history.
    const previous = readConsentCookie(request.headers.get("cookie"), site.consent.cookie);
    const consentId = previous.state === "present" ? previous.cookie.id : newConsentId();
    const value = serializeConsentValue({
      version: site.version,
      purposes: form.purposes,
      issuedAt,
      id: consentId,
    });
    const cookie = consentSetCookie({
      name: site.consent.cookie,
      value,
      maxAgeSeconds: site.consent.lifetimeDays * 86400,
      secure: url.protocol === "https:",
    });
    const headers = new Headers({ location: form.returnTo, ...noStore });
    headers.append("set-cookie", cookie);
    // Withdrawal deletes: whatever the new choice refuses is expired in this very answer.
    const choice = decisionForChoice(policy, site, form.purposes);
    const secure = url.protocol === "https:";
    for (const expiry of withdrawalCookies(request.headers.get("cookie"), policy, choice, url.hostname, secure))
      headers.append("set-cookie", expiry);
    // Proof of consent, written off the response path; a failed write is logged, the choice stands.
    const langs = fields.filter(([k]) => k === "lang").map(([, v]) => v);
    const record: ConsentRecord = {
      consentId,
      recordedAt: issuedAt,
      site: site.id,
      policyVersion: site.version,
      purposes: form.purposes,
      source: "gatekeeper",
      lang:
        langs.length === 1 && isLanguage(langs[0]) ? langs[0] : pickLanguage(request.headers.get("accept-language")),
      textVersion: site.ui.textVersion,
    };
    recordConsent(c.env?.CONSENT_DB, record, site.records.retentionDays, backgroundOf(c));
    return new Response(null, { status: 303, headers });
  });

  /**
   * The gatekeeper's own pages: the site's texts in the visitor's language, our strict CSP, no
   * caching, and 503 where no valid site policy covers the host.
   */
  const ownPage = async (
    request: Request,
    subject: string,
    render: (page: {
      decision: Decision;
      site: SiteFile;
      url: URL;
      lang: Language;
      texts: Texts;
    }) => { title: string; body: string } | Promise<{ title: string; body: string }>,
  ): Promise<Response> => {
    const decision = decideFor(request);
    const site = decision.site;
    if (!site)
      return new Response(`${subject} unavailable: no valid site policy for this host.\n`, {
        status: 503,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    const url = new URL(request.url);
    const lang = languageOf(request);
    const { title, body } = await render({ decision, site, url, lang, texts: textsFor(site, lang) });
    return new Response(renderPage({ title, lang, path: url.pathname, query: url.searchParams, body }), {
      headers: pageHeaders,
    });
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

  registerBeaconRoutes(app, { policy, decide: decideFor, vendorFetch: options.vendorFetch });
  registerClientApiRoutes(app, { policy, decide: decideFor });
  app.post(CSP_REPORT_PATH, async (c) => {
    const request = c.req.raw;
    const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/csp-report" && type !== "application/reports+json" && type !== "application/json")
      return c.body(null, 415);
    if (Number(request.headers.get("content-length") ?? "0") > MAX_REPORT_BYTES) return c.body(null, 413);
    const body = await readLimited(request, MAX_REPORT_BYTES);
    if (body === null) return c.body(null, 413);
    const violations = parseCspReports(new TextDecoder().decode(body));
    if (!violations) return c.body(null, 400);
    for (const v of violations) recordViolation(classifyViolation(policy, v), c.env?.CSP_REPORTS);
    return c.body(null, 204);
  });

  app.all("/__gk/*", (c) => c.text("Not found.\n", 404));

  app.all("*", async (c) => {
    const request = c.req.raw;
    // WebSockets are not documents: the runtime forwards the upgrade as it is.
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return fetch(request);
    const started = Date.now();
    const decision = decideFor(request);
    const pageUrl = new URL(request.url);
    const origin = c.env?.ORIGIN || undefined;
    const secure = pageUrl.protocol === "https:";
    const site = decision.site;
    // Shadow mode judges everything and changes nothing: not the request, not the page.
    const shadow = site?.mode === "shadow";
    const result = await forwardToOrigin(request, {
      origin,
      timeoutMs: site?.origin.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // The origin never sees cookies of refused purposes.
      editHeaders: shadow
        ? undefined
        : (headers) => {
            const cookie = headers.get("cookie");
            if (cookie === null) return;
            const kept = stripRefusedCookies(cookie, policy, decision);
            if (kept === null) headers.delete("cookie");
            else headers.set("cookie", kept);
          },
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    });
    if (!result.ok) {
      console.error(`tag-gatekeeper: ${result.reason}`);
      return errorPage(result.status);
    }
    const response = result.response;
    const html = isHtml(response.headers.get("content-type"));
    const removed = new Map<string, number>();
    const log = () =>
      emitRequestLog(
        requestLog({
          method: request.method,
          url: pageUrl,
          status: response.status,
          html,
          decision,
          removed,
          ms: Date.now() - started,
        }),
        c.env?.GK_METRICS,
      );
    // A filtered <noscript> is counted through the elements removed inside it.
    const onRemoved = (r: Removal) => {
      if (r.kind !== "noscript") removed.set(r.vendor, (removed.get(r.vendor) ?? 0) + 1);
    };
    const inlineLimit = site?.limits.inlineBytes ?? DEFAULT_INLINE_LIMIT;

    if (shadow) {
      const plan: RewritePlan | null = html
        ? { policy, decision, pageUrl, inlineLimit, dryRun: true, onRemoved, onEnd: log }
        : null;
      const out = gateResponse(response, {
        method: request.method,
        publicOrigin: pageUrl.origin,
        origin,
        plan,
        shadow: true,
      });
      if (!out.rewritten) log();
      return out.response;
    }

    const injections =
      site && html
        ? pageInjections({
            policy,
            site,
            decision,
            lang: pickLanguage(request.headers.get("accept-language")),
            returnTo: pageUrl.pathname + pageUrl.search,
            nonce: pageNonce(response.headers),
            // Fetch Metadata: only a top-level document gets the banner, not an iframe or a fetch.
            topLevel: (request.headers.get("sec-fetch-dest") ?? "document") === "document",
          })
        : undefined;
    const plan: RewritePlan | null =
      html && (injections || needsRewrite({ policy, decision }))
        ? { policy, decision, pageUrl, inlineLimit, injections, onRemoved, onEnd: log }
        : null;
    const out = gateResponse(response, {
      method: request.method,
      publicOrigin: pageUrl.origin,
      origin,
      plan,
      isRefusedUrl: (target) => {
        const url = resolveUrl(target, pageUrl);
        // A target that cannot be read is refused: what cannot be checked does not pass.
        return url === null || refusedBy(policy, decision, url, pageUrl).length > 0;
      },
      cookies: {
        drop: (name) => refusedCookieRule(name, policy, decision) !== null,
        expire: withdrawalCookies(request.headers.get("cookie"), policy, decision, pageUrl.hostname, secure),
      },
      varyOn: site ? ["Cookie", "Sec-GPC", "Accept-Language"] : ["Cookie", "Sec-GPC"],
      csp:
        site && site.csp.mode !== "off"
          ? {
              header: site.csp.mode === "enforce" ? "content-security-policy" : "content-security-policy-report-only",
              value: buildCsp(allowedHostPatterns(policy, decision), originScriptSources(response.headers), secure),
              reportingEndpoints: secure,
            }
          : undefined,
    });
    // A rewritten page logs when it has streamed through (onEnd); anything else logs now.
    if (!out.rewritten) log();
    return out.response;
  });

  app.onError((error) => {
    console.error(`tag-gatekeeper: ${error instanceof Error ? error.name : "error"} while handling a request`);
    return errorPage(502);
  });

  return app;
}

/** The request's waitUntil, or undefined where Hono has no ExecutionContext (app.request in tests). */
function backgroundOf(c: {
  executionCtx: { waitUntil(task: Promise<unknown>): void };
}): ((task: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (task) => ctx.waitUntil(task);
  } catch {
    return undefined;
  }
}
