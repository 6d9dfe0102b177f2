/**
 * Builds the real app around the tests' own policy (or an edited copy) with an injected origin,
 * so a test controls exactly what the origin answers and sees exactly what went to it.
 */
import files from "../../.generated/test-policy-files.json";
import { createApp } from "../../src/app";
import { serializeConsentValue } from "../../src/consent/cookie";
import { activatePolicy } from "../../src/policy/active";
import type { PolicyFiles } from "../../src/policy/load";

/**
 * The product's own test policy: test/fixtures/policies (a copy of the example site's policies/,
 * keyed "policies/..." like the shipped bundle), never the site's policies/ itself, so a site's
 * edits there never break a product test (test/README.md).
 */
export const SHIPPED: PolicyFiles = files as PolicyFiles;
export const NOW = 1_764_441_600; // 2025-11-29T18:40:00Z
export const SITE = "https://kevyt.example";
export const ORIGIN = "https://origin.internal";

/** A deep copy of the test policy files, for tests that edit one field. */
export function shippedFiles(): Record<string, any> {
  return structuredClone(SHIPPED) as Record<string, any>;
}

export interface Sent {
  url: string;
  init: RequestInit;
  headers: Headers;
}

export type OriginHandler = (req: Request) => Response | Promise<Response>;

export function makeGate(origin: OriginHandler, policyFiles: PolicyFiles = SHIPPED) {
  const sent: Sent[] = [];
  const app = createApp({
    policy: activatePolicy(policyFiles),
    now: () => NOW,
    fetch: async (input, init = {}) => {
      const req = new Request(String(input), init);
      sent.push({ url: String(input), init, headers: new Headers(init.headers) });
      return origin(req);
    },
  });
  const request = (path: string, init: RequestInit = {}) =>
    app.request(new Request(new URL(path, SITE), init), undefined, { ORIGIN });
  return { app, sent, request };
}

/** A consent cookie header for the test policy, allowing these purposes. */
export function consentCookie(purposes: string[], version = 1, issuedAt = NOW - 60): string {
  return `gk_consent=${serializeConsentValue({ version, purposes: ["necessary", ...purposes], issuedAt, id: "AAAAAAAAAAAAAAAAAAAAAA" })}`;
}

/** A same-origin form post of the consent form, as a browser sends it (request init). */
export const consentForm = (body: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  body,
  headers: {
    "content-type": "application/x-www-form-urlencoded",
    origin: SITE,
    "sec-fetch-site": "same-origin",
    ...headers,
  },
});

export const html = (body: string, init: ResponseInit = {}) =>
  new Response(body, { ...init, headers: { "content-type": "text/html; charset=utf-8", ...(init.headers ?? {}) } });

/**
 * The page without the gatekeeper's own elements (`data-gatekeeper`), removed by HTMLRewriter so
 * every other byte stays as it came: what the contract compares with the origin's page.
 */
export function stripInjected(page: string): Promise<string> {
  return new HTMLRewriter()
    .on("[data-gatekeeper]", {
      element(el) {
        el.remove();
      },
    })
    .transform(new Response(page))
    .text();
}
