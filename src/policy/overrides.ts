/**
 * Per-environment overrides: the wrangler vars GK_MODE and GK_CSP_MODE replace every site's
 * `mode` and `csp.mode`, so staging can run in shadow mode and production enforce from one
 * commit (docs/DEPLOY.md). Read once per isolate, applied to the compiled policy once. A value
 * that is not allowed is ignored (the policy's own value applies) and reported by /__gk/health.
 */
import type { CompiledPolicy } from "./compile";
import type { SiteFile } from "./schema";

type Mode = SiteFile["mode"];
type CspMode = SiteFile["csp"]["mode"];

export interface Overrides {
  mode?: Mode;
  cspMode?: CspMode;
  /** Vars set to a value that is not allowed: ignored, and reported. */
  problems: string[];
}

const MODES: readonly Mode[] = ["enforce", "shadow"];
const CSP_MODES: readonly CspMode[] = ["enforce", "report-only", "off"];

/** The overrides in the worker's vars; an unset or empty var overrides nothing. */
export function readOverrides(vars: Readonly<Record<string, unknown>> | undefined): Overrides {
  const problems: string[] = [];
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const raw = vars?.[name];
    if (raw === undefined || raw === null || raw === "") return undefined;
    const value = typeof raw === "string" ? raw.trim().toLowerCase() : raw;
    if (allowed.includes(value as T)) return value as T;
    problems.push(
      `${name}: expected one of ${allowed.join(", ")} (or empty), received ${JSON.stringify(raw)}; ignored, the policy's own value applies`,
    );
    return undefined;
  };
  return { mode: pick("GK_MODE", MODES), cspMode: pick("GK_CSP_MODE", CSP_MODES), problems };
}

/** The policy with every site's mode and CSP mode as the overrides say; the same policy when none. */
export function withOverrides(policy: CompiledPolicy, overrides: Overrides): CompiledPolicy {
  const { mode, cspMode } = overrides;
  if (!mode && !cspMode) return policy;
  const sites = policy.sites.map((site) => ({
    ...site,
    mode: mode ?? site.mode,
    csp: { ...site.csp, mode: cspMode ?? site.csp.mode },
  }));
  return { ...policy, sites };
}
