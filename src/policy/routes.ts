/**
 * GET /__gk/health: whether the policy this isolate runs loaded ("ok", 200) or failed closed
 * ("failsafe", 503, with each problem), which site policy and version serve this host, and its
 * effective mode and CSP mode (after the GK_MODE / GK_CSP_MODE overrides; a bad override is a
 * warning, ignored).
 */
import type { Hono } from "hono";
import type { Decision } from "../consent/decide";
import type { Diagnostic } from "./diagnostics";
import type { Overrides } from "./overrides";

export interface HealthDeps {
  diagnostics: readonly Diagnostic[];
  /** The per-environment overrides (GK_MODE, GK_CSP_MODE) and what was wrong with them. */
  overrides?: Overrides;
  /** The app's one decision for a request. */
  decide: (request: Request) => Decision;
}

const MAX_PROBLEMS = 50;
const problem = (d: Diagnostic) =>
  `${d.file}${d.path ? ` at ${d.path}` : ""}: expected ${d.expected}, received ${d.received}; fix: ${d.fix}`;

export function registerHealthRoute(
  app: Hono<{ Bindings: Env }>,
  { diagnostics, overrides, decide }: HealthDeps,
): void {
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
          // The effective values for this host, after GK_MODE / GK_CSP_MODE.
          mode: decision.site?.mode ?? null,
          cspMode: decision.site?.csp.mode ?? null,
        },
        ...(overrides?.problems.length ? { warnings: overrides.problems } : {}),
        // What failed, as `npm run policy:check` prints it, so an operator sees why without logs.
        ...(ok ? {} : { problems: diagnostics.slice(0, MAX_PROBLEMS).map(problem) }),
      },
      ok ? 200 : 503,
      { "cache-control": "no-store" },
    );
  });
}
