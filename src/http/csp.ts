/**
 * The page's CSP nonce, if the origin uses one, so the gatekeeper's injected script and style run
 * under the page's own policy instead of weakening it: the first nonce of the directive that
 * governs `<script>` elements (then `<style>` elements) by the CSP3 fallback list, in the enforced
 * policies first, then the report-only ones. Read by the CSP grammar (src/csp/parse.ts).
 * https://w3c.github.io/webappsec-csp/#grammardef-nonce-source
 */
import { FALLBACK } from "../csp/origin";
import { effectiveDirective, enforcedPolicies, nonceOf, reportOnlyPolicies } from "../csp/parse";

export function pageNonce(headers: Headers): string | undefined {
  for (const policies of [enforcedPolicies(headers), reportOnlyPolicies(headers)])
    for (const chain of [FALLBACK.scriptElem, FALLBACK.styleElem])
      for (const policy of policies)
        for (const token of effectiveDirective(policy, chain) ?? []) {
          const nonce = nonceOf(token);
          if (nonce) return nonce;
        }
  return undefined;
}
