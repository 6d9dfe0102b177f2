/**
 * The one fixture of the decide suites (decide.test.ts, decide-sources.test.ts): the fixture
 * policy compiled once, and decide() for a request's headers at the suite's fixed clock.
 */
import { type Decision, decide } from "../../src/consent/decide";
import { activatePolicy } from "../../src/policy/active";
import type { CompiledPolicy } from "../../src/policy/compile";
import { NOW, SHIPPED } from "../helpers/gate";

export const DAY = 86400;
export const { policy } = activatePolicy(SHIPPED);

export function decideWith(
  headers: Record<string, string>,
  p: CompiledPolicy = policy,
  host = "kevyt.example",
): Decision {
  return decide(p, { host, headers: new Headers(headers) }, NOW);
}

export const sorted = (s: ReadonlySet<string>) => [...s].sort();

/** The ids of the vendors a decision refuses, in vendor order. */
export const refusedIds = (p: CompiledPolicy, refused: readonly boolean[]) =>
  p.vendors.filter((v) => refused[v.index]).map((v) => v.id);
