/**
 * POST /__gk/consent: the banner's and the preferences page's form. Sets the consent cookie,
 * expires in the same answer the cookies the new choice refuses (withdrawal deletes), and writes
 * the proof of consent to D1 off the response path.
 */
import type { Context, Hono } from "hono";
import { readBounded } from "../http/read-body";
import { mediaType } from "../match/media-type";
import type { CompiledPolicy } from "../policy/compile";
import { isLanguage, pickLanguage } from "../ui/language";
import { consentSetCookie, newConsentId, readConsentCookie, serializeConsentValue } from "./cookie";
import { type Decision, decisionForChoice } from "./decide";
import { isSameOriginPost, MAX_FORM_BYTES, parseConsentForm } from "./form";
import { type ConsentRecord, recordConsent } from "./records";
import { withdrawalCookies } from "./withdrawal";

export interface ConsentRouteDeps {
  policy: CompiledPolicy;
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
  /** Unix seconds. */
  now: () => number;
}

const NO_STORE = { "cache-control": "no-store" };

export function registerConsentRoutes(app: Hono<{ Bindings: Env }>, deps: ConsentRouteDeps): void {
  app.post("/__gk/consent", (c) => postConsent(c, deps));
}

async function postConsent(c: Context<{ Bindings: Env }>, { policy, decide, now }: ConsentRouteDeps) {
  const request = c.req.raw;
  const url = new URL(request.url);
  if (!isSameOriginPost(request.headers, url.origin))
    return c.text("Cross-site consent posts are refused.\n", 403, NO_STORE);
  const site = decide(request).site;
  if (!site) return c.text("Consent cannot be recorded: no valid site policy for this host.\n", 503, NO_STORE);
  const fields = await formFields(request);
  if (fields === "unsupported")
    return c.text(
      "Send the consent form as application/x-www-form-urlencoded or multipart/form-data.\n",
      415,
      NO_STORE,
    );
  if (fields === "too-large") return c.text("Consent form too large.\n", 413, NO_STORE);
  if (fields === "unreadable") return c.text("Consent form could not be read.\n", 400, NO_STORE);
  const form = parseConsentForm(fields, policy.purposes, url.origin);
  if (!form.ok) return c.text(`Consent form rejected: ${form.error}\n`, 400, NO_STORE);
  const issuedAt = now();
  const secure = url.protocol === "https:";
  // A visitor keeps their consent id across choices, so their records form one history.
  const previous = readConsentCookie(request.headers.get("cookie"), site.consent.cookie);
  const consentId = previous.state === "present" ? previous.cookie.id : newConsentId();
  const value = serializeConsentValue({ version: site.version, purposes: form.purposes, issuedAt, id: consentId });
  const cookie = consentSetCookie({
    name: site.consent.cookie,
    value,
    maxAgeSeconds: site.consent.lifetimeDays * 86400,
    secure,
  });
  const headers = new Headers({ location: form.returnTo, ...NO_STORE });
  headers.append("set-cookie", cookie);
  // Withdrawal deletes: whatever the new choice refuses is expired in this very answer.
  const choice = decisionForChoice(policy, site, form.purposes);
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
      langs.length === 1 && isLanguage(langs[0], site)
        ? langs[0]
        : pickLanguage(request.headers.get("accept-language"), site),
    textVersion: site.ui.textVersion,
  };
  recordConsent(c.env?.CONSENT_DB, record, site.records.retentionDays, backgroundOf(c));
  return new Response(null, { status: 303, headers });
}

/** The form's fields, in order, from either encoding a browser form posts. */
async function formFields(
  request: Request,
): Promise<Array<[string, string]> | "unsupported" | "too-large" | "unreadable"> {
  const type = mediaType(request.headers.get("content-type"));
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return "unsupported";
  try {
    const body = await readBounded(request, MAX_FORM_BYTES);
    if (body === null) return "too-large";
    if (type === "multipart/form-data") {
      const form = await new Response(body, { headers: request.headers }).formData();
      return [...form.entries()].map(([k, v]) => [k, String(v)]);
    }
    return [...new URLSearchParams(new TextDecoder().decode(body)).entries()];
  } catch {
    return "unreadable";
  }
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
