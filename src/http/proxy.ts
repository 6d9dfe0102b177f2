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
import type { Reference, Removal, RewritePlan } from "../html/plan";
import { refusedBy } from "../html/refusal";
import { needsRewrite } from "../html/rewriter";
import { resolveUrl } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";
import type { SiteFile } from "../policy/schema";
import { pageInjections } from "../ui/injections";
import { pickLanguage } from "../ui/language";
import { fromEntry, lookup, store } from "./cache-store";
import { pageNonce } from "./csp";
import { errorPage } from "./error-page";
import { type GateOptions, gateResponse, isHtml, isReadableEncoding } from "./gate-response";
import { forwardToOrigin } from "./origin";
import {
  type BypassReason,
  bucketFields,
  bucketKey,
  type CacheOutcome,
  type CacheRule,
  cacheRuleFor,
  outcomeHeader,
  policyDigest,
  requestBypass,
  responseBypass,
  varyFields,
} from "./page-cache";
import { emitRequestLog, requestLog } from "./request-log";

export interface ProxyDeps {
  policy: CompiledPolicy;
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
  /** Outbound fetch to the origin; the global fetch unless a test injects one. */
  fetch?: typeof fetch;
  /** The consent-bucket cache; caches.default unless a test injects one. */
  cache?: Cache;
}

/** What the proxy is handed besides the request: the bindings, and where to finish work late. */
export interface ProxyContext {
  env: Partial<Env> | undefined;
  /** ExecutionContext.waitUntil, when there is one (a stored page finishes after its response). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_INLINE_LIMIT = 1024 * 1024;

/** The proxy's handler: a request and the worker's bindings in, the gated response out. */
export function proxy({ policy, decide, fetch: originFetch, cache: injectedCache }: ProxyDeps) {
  const fetcher = originFetch ?? ((input, init) => fetch(input, init));
  return async (request: Request, { env, waitUntil }: ProxyContext): Promise<Response> => {
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

    // The consent-bucket cache, before the origin is asked: a stored page for this bucket is the
    // answer, without the origin and without the rewriter.
    const cacheRule = shadow ? null : cacheRuleFor(policy, site, pageUrl.pathname);
    let cacheOutcome: CacheOutcome = bypass(shadow ? "shadow" : "off");
    let bucket: Bucket | null = null;
    if (cacheRule && site) {
      const refused = requestBypass(request, cacheRule);
      if (refused) cacheOutcome = bypass(refused);
      else {
        const cache = injectedCache ?? caches.default;
        try {
          const found = await findBucket(cache, request, pageUrl, {
            decision,
            url: pageUrl,
            origin,
            lang: pickLanguage(request.headers.get("accept-language"), site),
            topLevel: isTopLevel(request),
            deployVersion: env?.CF_VERSION_METADATA?.id ?? "local",
            policyDigest: await policyDigest(policy),
          });
          if (found.page) {
            const hit = answerFromCache(found.page, request, policy, decision, pageUrl);
            emitRequestLog(
              requestLog({
                method: request.method,
                url: pageUrl,
                status: hit.status,
                html: true,
                decision,
                removed: new Map(),
                ms: Date.now() - started,
                cache: outcomeHeader({ state: "hit" }),
              }),
              env?.GK_METRICS,
            );
            return hit;
          }
          bucket = { cache, rule: cacheRule, fields: found.fields, base: found.base };
          // HEAD is answered from a GET's entry, never stored: it has no page to store.
          cacheOutcome = request.method === "HEAD" ? bypass("head") : { state: "miss" };
        } catch (error) {
          // The cache is an optimisation: when it cannot be read, the page is made as without it.
          console.error(`tag-gatekeeper: cache lookup failed (${error instanceof Error ? error.name : "error"})`);
          cacheOutcome = bypass("error");
        }
      }
    }
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
    let storable: { ttl: number; vary: string[] } | null = null;
    if (html && bucket && cacheOutcome.state === "miss") {
      const verdict = storability(response, bucket.rule);
      if ("reason" in verdict) cacheOutcome = bypass(verdict.reason);
      else storable = verdict;
    }
    const removed = new Map<string, number>();
    const references = new Map<string, number>();
    const log = () =>
      emitRequestLog(
        requestLog({
          method: request.method,
          url: pageUrl,
          status: response.status,
          html,
          decision,
          removed,
          references,
          ms: Date.now() - started,
          cache: html ? outcomeHeader(cacheOutcome) : null,
        }),
        env?.GK_METRICS,
      );
    // A filtered <noscript> is counted through the elements removed inside it.
    const onRemoved = (r: Removal) => {
      if (r.kind !== "noscript") removed.set(r.vendor, (removed.get(r.vendor) ?? 0) + 1);
    };
    const onReference = (r: Reference) => references.set(r.vendor, (references.get(r.vendor) ?? 0) + 1);
    const plan = html
      ? rewritePlan({ policy, decision, site, request, response, pageUrl, shadow, onRemoved, onReference, onEnd: log })
      : null;
    const out = gateResponse(response, {
      method: request.method,
      publicOrigin: pageUrl.origin,
      origin,
      plan,
      shadow,
      cacheStatus: shadow ? undefined : outcomeHeader(cacheOutcome),
      ...(shadow ? {} : enforcement(policy, decision, site, request, response, pageUrl)),
    });
    // A rewritten page logs when it has streamed through (onEnd); anything else logs now.
    if (!out.rewritten) log();
    if (!(storable && bucket && out.rewritten && out.response.body)) return out.response;
    // One copy of the rewritten page to the visitor, one into the cache.
    const [visitor, stored] = out.response.body.tee();
    const key = storable.vary.length
      ? await bucketKey(pageUrl, bucket.fields, varyFields(request, storable.vary))
      : bucket.base;
    const saving = store(bucket.cache, {
      key,
      base: storable.vary.length ? { key: bucket.base, vary: storable.vary } : undefined,
      headers: out.response.headers,
      body: stored,
      ttl: storable.ttl,
      now: Date.now(),
    }).catch(() => {
      // A page cut short (the rewriter failed closed) or a full cache: nothing is stored.
    });
    if (waitUntil) waitUntil(saving);
    return new Response(visitor, out.response);
  };
}

const bypass = (reason: BypassReason): CacheOutcome => ({ state: "bypass", reason });

/** Fetch Metadata: only a top-level document gets the banner, not an iframe or a fetch. */
const isTopLevel = (request: Request) => (request.headers.get("sec-fetch-dest") ?? "document") === "document";

/** A bucket looked up and not found: where its page goes once made. */
interface Bucket {
  cache: Cache;
  rule: CacheRule;
  /** The bucket's fields, serialised: the key's first part. */
  fields: string;
  /** The first-level key. */
  base: string;
}

/** The bucket's key and its stored page, following a varied page's second level. */
async function findBucket(
  cache: Cache,
  request: Request,
  pageUrl: URL,
  input: Parameters<typeof bucketFields>[0],
): Promise<{ fields: string; base: string; page: Response | null }> {
  const fields = JSON.stringify(bucketFields(input));
  const base = await bucketKey(pageUrl, fields);
  const now = Date.now();
  let found = await lookup(cache, base, now);
  if (found && "vary" in found)
    found = await lookup(cache, await bucketKey(pageUrl, fields, varyFields(request, found.vary)), now);
  return { fields, base, page: found && "page" in found ? found.page : null };
}

/** Whether the origin's HTML answer may be stored: the origin's rules, then what the gate needs. */
function storability(response: Response, rule: CacheRule): { reason: BypassReason } | { ttl: number; vary: string[] } {
  const verdict = responseBypass(response, rule, pageNonce(response.headers));
  if ("reason" in verdict) return verdict;
  if (!response.body || response.headers.has("content-range")) return { reason: "status" };
  if (!isReadableEncoding(response.headers.get("content-encoding"))) return { reason: "encoding" };
  return verdict;
}

/** A stored page, as this visitor gets it: the expiry of their own refused cookies added. */
function answerFromCache(
  entry: Response,
  request: Request,
  policy: CompiledPolicy,
  decision: Decision,
  pageUrl: URL,
): Response {
  const { headers, body } = fromEntry(entry, Date.now(), request.method);
  const secure = pageUrl.protocol === "https:";
  for (const value of withdrawalCookies(request.headers.get("cookie"), policy, decision, pageUrl.hostname, secure))
    headers.append("set-cookie", value);
  headers.set("x-gatekeeper-cache", "hit");
  return new Response(body, { status: entry.status, headers });
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
  onReference: (reference: Reference) => void;
  onEnd: () => void;
}): RewritePlan | null {
  const { policy, decision, site, request, pageUrl, shadow, onRemoved, onReference, onEnd } = page;
  const inlineLimit = site?.limits.inlineBytes ?? DEFAULT_INLINE_LIMIT;
  if (shadow) return { policy, decision, pageUrl, inlineLimit, dryRun: true, onRemoved, onReference, onEnd };
  const injections = site
    ? pageInjections({
        policy,
        site,
        decision,
        lang: pickLanguage(request.headers.get("accept-language"), site),
        returnTo: pageUrl.pathname + pageUrl.search,
        nonce: pageNonce(page.response.headers),
        topLevel: isTopLevel(request),
      })
    : undefined;
  const repoint = repointFor(policy, decision, pageUrl);
  if (!injections && !needsRewrite({ policy, decision, repoint })) return null;
  return { policy, decision, pageUrl, inlineLimit, injections, repoint, onRemoved, onReference, onEnd };
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
