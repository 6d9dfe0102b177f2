/**
 * Every request that is not the gatekeeper's own: forwarded to the origin, and the answer gated
 * on its way back (./gate-response.ts) under the one Decision. This is where the rewrite plan is
 * worked out from the policy and the decision: what to remove, what to re-point
 * (src/beacon/repoint.ts), what to inject (src/ui/injections.ts). Shadow mode is a flag: the same
 * plan runs dry, and nothing about the request or the page changes.
 */
import { repointFor } from "../beacon/repoint";
import type { Decision } from "../consent/decide";
import { refusedCookieRule, stripRefusedCookies, withdrawalCookies } from "../consent/withdrawal";
import { buildCsp } from "../csp/header";
import { originInlineFromHeaders } from "../csp/origin";
import { allowedSources } from "../csp/sources";
import type { Removal, RewritePlan } from "../html/plan";
import { refusedBy } from "../html/refusal";
import { needsRewrite } from "../html/rewriter";
import { resolveUrl } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import { pageInjections } from "../ui/injections";
import { pickLanguage } from "../ui/language";
import { pageNonce } from "./csp";
import { errorPage } from "./error-page";
import { type GateOptions, gateResponse, isHtml } from "./gate-response";
import { forwardToOrigin } from "./origin";
import { emitRequestLog, requestLog } from "./request-log";

export interface ProxyDeps {
  policy: CompiledPolicy;
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
  /** Outbound fetch to the origin; the global fetch unless a test injects one. */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_INLINE_LIMIT = 1024 * 1024;

/** The proxy's handler: a request and the worker's bindings in, the gated response out. */
export function proxy({ policy, decide, fetch: originFetch }: ProxyDeps) {
  const fetcher = originFetch ?? ((input, init) => fetch(input, init));
  return async (request: Request, env: Partial<Env> | undefined): Promise<Response> => {
    // WebSockets are not documents: the runtime forwards the upgrade as it is.
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return fetch(request);
    const started = Date.now();
    const decision = decide(request);
    const pageUrl = new URL(request.url);
    // A plain var: its declared type is wrangler.toml's empty default, its value any URL.
    const origin: string | undefined = env?.ORIGIN || undefined;
    const site = decision.site;
    // Shadow mode judges everything and changes nothing: not the request, not the page.
    const shadow = site?.mode === "shadow";
    const result = await forwardToOrigin(request, {
      origin,
      timeoutMs: site?.origin.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // The origin never sees cookies of refused purposes.
      editHeaders: shadow ? undefined : (headers) => keepConsentedCookies(headers, policy, decision),
      fetch: fetcher,
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
        env?.GK_METRICS,
      );
    // A filtered <noscript> is counted through the elements removed inside it.
    const onRemoved = (r: Removal) => {
      if (r.kind !== "noscript") removed.set(r.vendor, (removed.get(r.vendor) ?? 0) + 1);
    };
    const plan = html
      ? rewritePlan({ policy, decision, site, request, response, pageUrl, shadow, onRemoved, onEnd: log })
      : null;
    const out = gateResponse(response, {
      method: request.method,
      publicOrigin: pageUrl.origin,
      origin,
      plan,
      shadow,
      ...(shadow ? {} : enforcement(policy, decision, site, request, response, pageUrl)),
    });
    // A rewritten page logs when it has streamed through (onEnd); anything else logs now.
    if (!out.rewritten) log();
    return out.response;
  };
}

/** The Cookie header without the cookies of refused purposes. */
function keepConsentedCookies(headers: Headers, policy: CompiledPolicy, decision: Decision): void {
  const cookie = headers.get("cookie");
  if (cookie === null) return;
  const kept = stripRefusedCookies(cookie, policy, decision);
  if (kept === null) headers.delete("cookie");
  else headers.set("cookie", kept);
}

/**
 * The plan for an HTML page, or null when there is nothing to do (the page streams through
 * untouched). In shadow mode it runs dry: judged and reported, nothing injected or re-pointed.
 */
function rewritePlan(page: {
  policy: CompiledPolicy;
  decision: Decision;
  site: SiteFile | undefined;
  request: Request;
  response: Response;
  pageUrl: URL;
  shadow: boolean;
  onRemoved: (removal: Removal) => void;
  onEnd: () => void;
}): RewritePlan | null {
  const { policy, decision, site, request, pageUrl, shadow, onRemoved, onEnd } = page;
  const inlineLimit = site?.limits.inlineBytes ?? DEFAULT_INLINE_LIMIT;
  if (shadow) return { policy, decision, pageUrl, inlineLimit, dryRun: true, onRemoved, onEnd };
  const injections = site
    ? pageInjections({
        policy,
        site,
        decision,
        lang: pickLanguage(request.headers.get("accept-language"), site),
        returnTo: pageUrl.pathname + pageUrl.search,
        nonce: pageNonce(page.response.headers),
        // Fetch Metadata: only a top-level document gets the banner, not an iframe or a fetch.
        topLevel: (request.headers.get("sec-fetch-dest") ?? "document") === "document",
      })
    : undefined;
  const repoint = repointFor(policy, decision, pageUrl);
  if (!injections && !needsRewrite({ policy, decision, repoint })) return null;
  return { policy, decision, pageUrl, inlineLimit, injections, repoint, onRemoved, onEnd };
}

/** What enforcement adds to the gated response: Link and cookie filtering, Vary, and the CSP. */
function enforcement(
  policy: CompiledPolicy,
  decision: Decision,
  site: SiteFile | undefined,
  request: Request,
  response: Response,
  pageUrl: URL,
): Partial<GateOptions> {
  const secure = pageUrl.protocol === "https:";
  return {
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
            value: buildCsp(allowedSources(policy, decision), originInlineFromHeaders(response.headers), secure),
            reportingEndpoints: secure,
          }
        : undefined,
  };
}
