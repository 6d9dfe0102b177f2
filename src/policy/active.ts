/**
 * The policy this isolate runs: validated and compiled once, at module load. A policy that does
 * not validate does not stop the gate; it fails closed (see failsafePolicy) and says so loudly.
 */
import files from "../../.generated/policy-files.json";
import { type CompiledPolicy, compilePolicy } from "./compile";
import { type Diagnostic, renderDiagnostics } from "./diagnostics";
import { loadPolicy, type Policy, type PolicyFiles } from "./load";
import { vendorFileSchema } from "./schema";

export interface ActivePolicy {
  policy: CompiledPolicy;
  /** Empty when the policy is valid. */
  diagnostics: readonly Diagnostic[];
}

export function activatePolicy(source: PolicyFiles): ActivePolicy {
  const loaded = loadPolicy(source);
  const diagnostics = loaded.ok ? selectorDiagnostics(loaded.policy) : loaded.diagnostics;
  if (loaded.ok && diagnostics.length === 0) return { policy: compilePolicy(loaded.policy), diagnostics };
  console.error(
    `tag-gatekeeper: POLICY INVALID, failing closed (necessary only, every third party removed)\n${renderDiagnostics(diagnostics)}`,
  );
  return { policy: failsafePolicy(source), diagnostics };
}

/**
 * Selectors lol-html rejects; checked once at isolate start so no request meets them. lol-html is
 * the judge of selector syntax, so they are checked here, in the runtime, by asking the
 * runtime's own HTMLRewriter to parse them (src/html/rewriter.ts is what rewrites pages).
 */
export function invalidSelectors(selectors: readonly string[]): string[] {
  return selectors.filter((selector) => {
    try {
      new HTMLRewriter().on(selector, {});
      return false;
    } catch {
      return true;
    }
  });
}

/** The vendor selectors lol-html rejects, as diagnostics. */
function selectorDiagnostics(policy: Policy): Diagnostic[] {
  return policy.vendors.flatMap((v) =>
    v.selectors.flatMap((selector, i) =>
      invalidSelectors([selector]).map(() => ({
        file: `policies/vendors/${v.id}.yaml`,
        path: `selectors[${i}]`,
        expected: "a CSS selector lol-html supports",
        received: JSON.stringify(selector),
        fix: "use tag, #id, .class, [attr], [attr=value], [attr*=value] and descendant/child combinators",
      })),
    ),
  );
}

/**
 * Only the required purpose, and every vendor file that still validates on its own, so their
 * inline snippets are still found. `failsafe` makes every third-party URL count as refused.
 */
export function failsafePolicy(source: PolicyFiles): CompiledPolicy {
  const vendors = Object.entries(source)
    .filter(([file]) => file.startsWith("policies/vendors/"))
    .flatMap(([, data]) => {
      const r = vendorFileSchema.safeParse(data);
      return r.success ? [{ ...r.data, purpose: "optional" }] : [];
    });
  const text = { fi: "Välttämättömät", sv: "Nödvändiga", en: "Strictly necessary" };
  return compilePolicy(
    { purposes: [{ id: "necessary", required: true, name: text, description: text }], sites: [], vendors },
    true,
  );
}

let active: ActivePolicy | undefined;
export function activePolicy(): ActivePolicy {
  active ??= activatePolicy(files as PolicyFiles);
  return active;
}
