/**
 * What the gatekeeper's CSP must carry over from the origin's own, so that adding it never blocks
 * an inline script or style the origin's policy allows.
 *
 * Browsers enforce every policy a response sends (https://w3c.github.io/webappsec-csp/#multiple-policies),
 * so the gatekeeper's policy, which allows inline code with `'unsafe-inline'`, only has to let
 * through what the origin's lets through. The catch: a nonce or hash source in a directive makes
 * browsers ignore `'unsafe-inline'` in that directive
 * (https://w3c.github.io/webappsec-csp/#allow-all-inline). So a nonce or hash goes into one of our
 * directives exactly when the origin's directive governing the same checks has it:
 *
 * | our directive | governs | the origin's directive it follows (CSP3 fallback list) |
 * |---|---|---|
 * | `script-src-elem` | `<script>` elements | `script-src-elem` → `script-src` → `default-src` |
 * | `script-src` | all scripts, in browsers without `script-src-elem`/`-attr` | `script-src` → `default-src` |
 * | `style-src-elem` | `<style>` and stylesheet links | `style-src-elem` → `style-src` → `default-src` |
 * | `style-src` | all styles, in browsers without `style-src-elem`/`-attr` | `style-src` → `default-src` |
 *
 * A nonce only in the origin's `default-src` therefore reaches all four (it governs scripts and
 * styles there too); a hash in `style-src` reaches only the style directives; nonces and hashes
 * of any other directive (`img-src`, `script-src-attr`, …) go nowhere. Our `script-src-attr` and
 * `style-src-attr` hold `'unsafe-inline'` alone, which allows every event handler and `style`
 * attribute; the origin's own policy still governs those. `'unsafe-hashes'` travels with the hashes
 * into `script-src` / `style-src`, where browsers without the `-attr` directives apply it to
 * attributes. Only enforced origin policies count: a report-only one blocks nothing, and copying
 * its nonce would switch our `'unsafe-inline'` off for nothing. Pure.
 */
import { type CspPolicy, effectiveDirective, enforcedPolicies, isNonceOrHash } from "./parse";

export const FALLBACK = {
  scriptElem: ["script-src-elem", "script-src", "default-src"],
  script: ["script-src", "default-src"],
  styleElem: ["style-src-elem", "style-src", "default-src"],
  style: ["style-src", "default-src"],
} as const;

export type InlineKind = keyof typeof FALLBACK;

/** Per directive of ours, the origin's sources to copy into it. */
export type OriginInline = Readonly<Record<InlineKind, readonly string[]>>;

export const NO_ORIGIN_INLINE: OriginInline = { scriptElem: [], script: [], styleElem: [], style: [] };

/** The nonce and hash sources (and `'unsafe-hashes'` where it matters) to copy, per directive. */
export function originInlineSources(policies: readonly CspPolicy[]): OriginInline {
  const out: Record<InlineKind, string[]> = { scriptElem: [], script: [], styleElem: [], style: [] };
  for (const kind of Object.keys(FALLBACK) as InlineKind[]) {
    const copied = new Set<string>();
    for (const policy of policies) {
      const sources = effectiveDirective(policy, FALLBACK[kind]) ?? [];
      const inline = sources.filter(isNonceOrHash);
      for (const s of inline) copied.add(s);
      // Element directives ignore 'unsafe-hashes'; the general ones apply it to attributes.
      if (inline.length && !kind.endsWith("Elem") && sources.some((s) => s.toLowerCase() === "'unsafe-hashes'"))
        copied.add("'unsafe-hashes'");
    }
    out[kind] = [...copied];
  }
  return out;
}

/** originInlineSources for a response's enforced `Content-Security-Policy` headers. */
export function originInlineFromHeaders(headers: Headers): OriginInline {
  return originInlineSources(enforcedPolicies(headers));
}
