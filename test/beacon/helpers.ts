/**
 * The real app around the test policy (or an edited copy), with the origin and the vendors'
 * upstreams both injected, so a test sees exactly what went to Google: host, path, headers, body.
 */
import { createApp } from "../../src/app";
import { activatePolicy } from "../../src/policy/active";
import type { PolicyFiles } from "../../src/policy/load";
import { NOW, ORIGIN, SHIPPED, SITE } from "../helpers/gate";

export interface Upstream {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  redirect: string | undefined;
}

export type VendorHandler = (req: Upstream) => Response | Promise<Response>;

export const GTAG_JS = "/* gtag.js stand-in */ (function(){ window.__gtagLoaded = true; })();";

/** Google's answers: 204 for hits, a script for the tag. */
export const googleLike: VendorHandler = (req) =>
  req.url.pathname === "/gtag/js"
    ? new Response(GTAG_JS, { headers: { "content-type": "application/javascript; charset=UTF-8" } })
    : new Response(null, { status: 204 });

export function makeBeaconGate(
  vendor: VendorHandler = googleLike,
  options: { files?: PolicyFiles; env?: Record<string, unknown>; origin?: (req: Request) => Response } = {},
) {
  const upstream: Upstream[] = [];
  const origin: Request[] = [];
  const app = createApp({
    policy: activatePolicy(options.files ?? SHIPPED),
    now: () => NOW,
    fetch: async (input, init) => {
      const req = new Request(String(input), init);
      origin.push(req);
      return options.origin ? options.origin(req) : new Response("origin");
    },
    vendorFetch: async (input, init = {}) => {
      const req: Upstream = {
        url: new URL(String(input)),
        method: init.method ?? "GET",
        headers: new Headers(init.headers),
        body: typeof init.body === "string" ? init.body : init.body == null ? undefined : String(init.body),
        redirect: init.redirect,
      };
      upstream.push(req);
      return vendor(req);
    },
  });
  const request = (path: string, init: RequestInit = {}) =>
    app.request(new Request(new URL(path, SITE), init), undefined, { ORIGIN, ...options.env });
  return { app, upstream, origin, request };
}

/** Upstream query (or body line) as [name, value] pairs, in order. */
export function pairs(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}
