/**
 * What the rewriter is handed for one page: everything it acts on is data worked out by the
 * caller (src/http/proxy.ts) from the policy and the one Decision. The rewriter imports no
 * feature: re-pointing (src/beacon/repoint.ts) and the injected elements (src/ui/injections.ts)
 * arrive here already decided.
 */
import type { Decision } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import type { Injections } from "./injections";
import type { Observation } from "./observation";

export type RemovalKind = "element" | "inline" | "noscript" | "attribute" | "oversized";

export interface Removal {
  /** Vendor id, or "third-party" when the failsafe removed an unclassified URL. */
  vendor: string;
  kind: RemovalKind;
  tag: string;
}

/**
 * A refused vendor's host named where the rewriter cannot remove it: in a data block, a data
 * string of a script, a host put together at run time. The page needs the CSP in enforce mode.
 */
export interface Reference {
  vendor: string;
  tag: string;
}

/** A tag URL moved to its first-party path, and the config script to put before it. */
export interface Repointed {
  /** The first-party URL (path and the original query). */
  path: string;
  /** The config script to insert before this element, or null (already inserted, or not a script). */
  config: string | null;
}

/** Allowed vendor tags the policy serves first-party, for one page (stateful: one config per vendor). */
export interface Repoint {
  /**
   * `script` is null for a non-script element (a preload link); for a script, its `nonce`
   * attribute, which the config script copies so that it runs under the page's nonce-based CSP.
   */
  target(url: URL, script: { nonce: string | null } | null): Repointed | null;
}

export interface RewritePlan {
  policy: CompiledPolicy;
  decision: Decision;
  pageUrl: URL;
  /** Largest inline script or noscript held back; larger ones are dropped (fail closed). */
  inlineLimit: number;
  onRemoved?: (removal: Removal) => void;
  /** Told about each refused vendor reference left in the page (logs count them). */
  onReference?: (reference: Reference) => void;
  /** The gatekeeper's own elements for this page (top level only, never into fragments). */
  injections?: Injections;
  /** Allowed vendor tags to re-point to their first-party path (top level only). */
  repoint?: Repoint | null;
  /** Told about every vendor element and third-party URL met, removed or not (audit, logs). */
  observe?: (observation: Observation) => void;
  /**
   * Shadow mode: judge everything, report it through onRemoved and observe, change nothing.
   * The page streams through byte for byte.
   */
  dryRun?: boolean;
  /** Called once when the whole document has streamed through (logs count removals here). */
  onEnd?: () => void;
}

/** The base URL relative URLs resolve against, and whether a `<base href>` already set it. */
export interface BaseState {
  url: URL;
  seen: boolean;
}

/** One document's (or fragment's) rewriting: the plan, where it sits, and what it removed. */
export interface DocumentContext {
  plan: RewritePlan;
  /** 0 for the page; 1 and more for noscript content and srcdoc documents inside it. */
  depth: number;
  /** False in shadow mode: judge and report, change nothing. */
  mutate: boolean;
  /** Changed by the first `<base href>`. */
  base: BaseState;
  /** Vendor ids removed so far (injections add a vendor's stand-in after its removal). */
  removed: Set<string>;
  report(vendors: readonly string[], kind: RemovalKind, tag: string): void;
}

export function documentContext(plan: RewritePlan, depth: number, inherited?: BaseState): DocumentContext {
  const removed = new Set<string>();
  return {
    plan,
    depth,
    mutate: !plan.dryRun,
    base: { url: inherited?.url ?? plan.pageUrl, seen: inherited?.seen ?? false },
    removed,
    report(vendors, kind, tag) {
      for (const vendor of vendors) {
        removed.add(vendor);
        plan.onRemoved?.({ vendor, kind, tag });
      }
    },
  };
}
