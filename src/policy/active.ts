/**
 * The policy this isolate runs: validated and compiled once, at module load. A policy that does
 * not validate does not stop the gate: it fails closed (see failsafePolicy), says so loudly in the
 * log and at /__gk/health, and pages are still served, with every third party removed.
 */
import files from "../../.generated/policy-files.json";
import { type CompiledPolicy, compilePolicy } from "./compile";
import { type Diagnostic, renderDiagnostics } from "./diagnostics";
import { loadPolicy, type Policy, type PolicyFiles, PURPOSES_FILE } from "./load";
import { purposesFileSchema, siteFileSchema, vendorFileSchema } from "./schema";
import { selectorDiagnostics, usableSelectors, vendorSelectorLists } from "./selector-check";

export { invalidSelectors } from "./selector-check";

export interface ActivePolicy {
  policy: CompiledPolicy;
  /** Empty when the policy is valid. */
  diagnostics: readonly Diagnostic[];
}

export function activatePolicy(source: PolicyFiles): ActivePolicy {
  const loaded = loadPolicy(source);
  // lol-html judges every selector, also those of files that failed for another reason, so that
  // the worker's log and health name the same errors as `npm run policy:check`.
  const selectors = selectorDiagnostics(vendorSelectorLists(source));
  const diagnostics = [...(loaded.ok ? [] : loaded.diagnostics), ...selectors];
  if (loaded.ok && diagnostics.length === 0) return { policy: compilePolicy(loaded.policy), diagnostics };
  console.error(
    `tag-gatekeeper: POLICY INVALID, failing closed (necessary only, every third party removed)\n${renderDiagnostics(diagnostics)}`,
  );
  return { policy: failsafePolicy(source), diagnostics };
}

/**
 * Fail closed, keep serving: only required purposes are allowed (decide() refuses every vendor
 * under the failsafe) and `failsafe` makes every third-party URL count as refused. Every file that
 * still validates on its own is kept, so the vendors' inline snippets are still found and the
 * visitor's own pages (preferences, declaration) still render; a selector lol-html rejects or can
 * never match is dropped, so that building the rewriter cannot throw and take every page down.
 */
export function failsafePolicy(source: PolicyFiles): CompiledPolicy {
  const own = (dir: string) => Object.entries(source).filter(([file]) => file.startsWith(dir));
  const vendors = own("policies/vendors/").flatMap(([, data]) => {
    const r = vendorFileSchema.safeParse(data);
    return r.success ? [{ ...r.data, selectors: usableSelectors(r.data.selectors) }] : [];
  });
  const purposeFile = purposesFileSchema.safeParse(source[PURPOSES_FILE]);
  const purposes = purposeFile.success
    ? purposeFile.data.purposes.filter((p) => p.required)
    : [{ id: "necessary", required: true, name: NECESSARY, description: NECESSARY }];
  // A site needs its purposes to be rendered; without the purposes file there is none.
  const sites = purposeFile.success
    ? own("policies/sites/").flatMap(([, data]) => {
        const r = siteFileSchema.safeParse(data);
        return r.success ? [r.data] : [];
      })
    : [];
  const policy: Policy = { purposes, sites, vendors };
  return compilePolicy(policy, true);
}

const NECESSARY = { fi: "Välttämättömät", sv: "Nödvändiga", en: "Strictly necessary" };

let active: ActivePolicy | undefined;
export function activePolicy(): ActivePolicy {
  active ??= activatePolicy(files as PolicyFiles);
  return active;
}
