/**
 * What the audit CLI (Node) and the audit worker (workerd) say to each other. Types only: this
 * file is compiled into both.
 */

import type { Observation } from "../../src/html/observation";
import type { Diagnostic } from "../../src/policy/diagnostics";

/** One consent state to run the gate under: its name and the optional purposes it allows. */
export interface AuditState {
  name: string;
  allow: string[];
}

export interface AuditRequest {
  /** The page's HTML. */
  html: string;
  /** Where the page lives: relative URLs resolve against it and its site is "first party". */
  pageUrl: string;
  states: AuditState[];
  /** Parsed policy files, keyed like .generated/policy-files.json (scripts/lib/policy-files.mjs). */
  files: Record<string, unknown>;
  /** Unix seconds, for the consent cookie's freshness. */
  now: number;
}

/** What the rewriter's onRemoved hook reported (src/html/plan.ts Removal). */
export interface AuditRemoval {
  vendor: string;
  kind: string;
  tag: string;
}

export interface AuditStateResult {
  name: string;
  /** Purposes the decision allowed, sorted. */
  allowed: string[];
  /** decide()'s basis, or "choice" when the site reads no gatekeeper cookie and the state was applied directly. */
  basis: string;
  observations: Observation[];
  removals: AuditRemoval[];
}

export interface AuditResponse {
  site: { id: string; version: number } | null;
  failsafe: boolean;
  /** Why the policy failed closed (lol-html's verdict on selectors included); empty when valid. */
  diagnostics: Diagnostic[];
  purposes: Array<{ id: string; required: boolean }>;
  /** Vendor id → its purpose. */
  vendorPurposes: Record<string, string>;
  states: AuditStateResult[];
}
