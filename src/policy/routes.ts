/**
 * GET /__gk/health: whether the policy this isolate runs loaded ("ok", 200) or failed closed
 * ("failsafe", 503), and which site policy and version serve this host.
 */
import type { Hono } from "hono";
import type { Decision } from "../consent/decide";
import type { Diagnostic } from "./diagnostics";

export interface HealthDeps {
  diagnostics: readonly Diagnostic[];
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
}

export function registerHealthRoute(app: Hono<{ Bindings: Env }>, { diagnostics, decide }: HealthDeps): void {
  app.get("/__gk/health", (c) => {
    const decision = decide(c.req.raw);
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
}
