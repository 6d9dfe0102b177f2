/**
 * Routes and wiring. The only module that sees Hono's context: it reads the request, asks
 * decide() once, and hands the Decision to the modules that act on it.
 */
import { Hono } from "hono";
import { consentSetCookie, newConsentId, serializeConsentValue } from "./consent/cookie";
import { type Decision, decide } from "./consent/decide";
import { isSameOriginPost, MAX_FORM_BYTES, parseConsentForm } from "./consent/form";
import { refusedBy } from "./html/refusal";
import { needsRewrite, type RewritePlan } from "./html/rewriter";
import { resolveUrl } from "./html/url-match";
import { errorPage } from "./http/error-page";
import { gateResponse } from "./http/gate-response";
import { forwardToOrigin } from "./http/origin";
import type { ActivePolicy } from "./policy/active";

export interface Env {
  /** Where every non-gatekeeper request goes; unset, the request URL's own host. */
  ORIGIN?: string;
}

export interface AppOptions {
  policy: ActivePolicy;
  /** Outbound fetch to the origin; the global fetch unless a test injects one. */
  fetch?: typeof fetch;
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
    const value = serializeConsentValue({
      version: site.version,
      purposes: form.purposes,
      issuedAt,
      id: newConsentId(),
    });
    const cookie = consentSetCookie({
      name: site.consent.cookie,
      value,
      maxAgeSeconds: site.consent.lifetimeDays * 86400,
      secure: url.protocol === "https:",
    });
    return new Response(null, { status: 303, headers: { location: form.returnTo, "set-cookie": cookie, ...noStore } });
  });

  app.all("/__gk/*", (c) => c.text("Not found.\n", 404));

  app.all("*", async (c) => {
    const request = c.req.raw;
    // WebSockets are not documents: the runtime forwards the upgrade as it is.
    if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return fetch(request);
    const decision = decideFor(request);
    const pageUrl = new URL(request.url);
    const origin = c.env?.ORIGIN || undefined;
    const result = await forwardToOrigin(request, {
      origin,
      timeoutMs: decision.site?.origin.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    });
    if (!result.ok) {
      console.error(`tag-gatekeeper: ${result.reason}`);
      return errorPage(result.status);
    }
    const plan: RewritePlan | null = needsRewrite({ policy, decision })
      ? {
          policy,
          decision,
          pageUrl,
          inlineLimit: decision.site?.limits.inlineBytes ?? DEFAULT_INLINE_LIMIT,
        }
      : null;
    return gateResponse(result.response, {
      method: request.method,
      publicOrigin: pageUrl.origin,
      origin,
      plan,
      isRefusedUrl: (target) => {
        const url = resolveUrl(target, pageUrl);
        // A target that cannot be read is refused: what cannot be checked does not pass.
        return url === null || refusedBy(policy, decision, url, pageUrl).length > 0;
      },
    });
  });

  app.onError((error) => {
    console.error(`tag-gatekeeper: ${error instanceof Error ? error.name : "error"} while handling a request`);
    return errorPage(502);
  });

  return app;
}

/** The body, or null when it is longer than `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
