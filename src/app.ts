/**
 * Wiring only: the policy this isolate runs, the one decision point, and each feature's routes,
 * in the order Hono matches them. app.ts and the features' routes.ts files are the only modules
 * that see Hono's context; everything below them is handed plain values (docs/ARCHITECTURE.md).
 */
import { Hono } from "hono";
import { registerBeaconRoutes } from "./beacon/routes";
import { type Decision, decide } from "./consent/decide";
import { registerConsentRoutes } from "./consent/routes";
import { registerCspRoutes } from "./csp/routes";
import { errorPage } from "./http/error-page";
import { proxy } from "./http/proxy";
import type { ActivePolicy } from "./policy/active";
import { readOverrides, withOverrides } from "./policy/overrides";
import { registerHealthRoute } from "./policy/routes";
import { registerPageRoutes } from "./ui/routes";

export interface AppOptions {
  policy: ActivePolicy;
  /** Outbound fetch to the origin; the global fetch unless a test injects one. */
  fetch?: typeof fetch;
  /** Outbound fetch to vendors' upstreams (first-party tags and beacons); the global fetch unless injected. */
  vendorFetch?: typeof fetch;
  /** Unix seconds; injected by tests. */
  now?: () => number;
  /** The consent-bucket cache; caches.default unless a test injects one. */
  cache?: Cache;
  /** The worker's vars, for the per-environment overrides GK_MODE and GK_CSP_MODE. */
  vars?: Readonly<Record<string, unknown>>;
}

export function createApp(options: AppOptions) {
  const { diagnostics } = options.policy;
  // Applied once, like the policy: every route reads the effective mode and CSP mode.
  const overrides = readOverrides(options.vars);
  const policy = withOverrides(options.policy.policy, overrides);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  // The one decision point: every route reads this value, never the cookie.
  const decideFor = (request: Request): Decision =>
    decide(policy, { host: new URL(request.url).hostname, headers: request.headers }, now());
  const app = new Hono<{ Bindings: Env }>();

  registerHealthRoute(app, { diagnostics, overrides, decide: decideFor });
  registerConsentRoutes(app, { policy, decide: decideFor, now });
  registerPageRoutes(app, { policy, decide: decideFor });
  registerBeaconRoutes(app, { policy, decide: decideFor, vendorFetch: options.vendorFetch });
  registerCspRoutes(app, { policy });
  app.all("/__gk/*", (c) => c.text("Not found.\n", 404));
  const gate = proxy({ policy, decide: decideFor, fetch: options.fetch, cache: options.cache });
  app.all("*", (c) => gate(c.req.raw, { env: c.env, waitUntil: waitUntilOf(c) }));

  app.onError((error) => {
    console.error(`tag-gatekeeper: ${error instanceof Error ? error.name : "error"} while handling a request`);
    return errorPage(502);
  });
  return app;
}

/** The request's waitUntil; Hono's executionCtx throws where there is none (app.request in tests). */
function waitUntilOf(c: {
  executionCtx: { waitUntil(promise: Promise<unknown>): void };
}): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return undefined;
  }
}
