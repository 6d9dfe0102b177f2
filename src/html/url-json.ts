/**
 * Import maps and speculation rules: JSON that makes the browser load URLs. The entries that point
 * at a refused vendor are dropped and the rest kept, so the page's own imports and prefetches keep
 * working; JSON that does not parse is emptied (the browser would reject it as well).
 * https://html.spec.whatwg.org/multipage/webappapis.html#import-maps
 * https://wicg.github.io/nav-speculation/speculation-rules.html
 */
import { resolveUrl } from "../match/url";
import type { JsonJudge } from "./inline-script";
import type { RewritePlan } from "./plan";
import { judgeUrl } from "./refusal";

type Refusal = (address: unknown) => readonly string[];

/** `{ specifier: address }` without the entries whose address is refused. */
function filterMap(map: unknown, refused: Refusal, found: Set<string>): unknown {
  if (!map || typeof map !== "object" || Array.isArray(map)) return map;
  const out: Record<string, unknown> = {};
  for (const [specifier, address] of Object.entries(map)) {
    const vendors = refused(address);
    if (vendors.length) for (const v of vendors) found.add(v);
    else out[specifier] = address;
  }
  return out;
}

function filterImportMap(json: Record<string, unknown>, refused: Refusal, found: Set<string>): unknown {
  const out: Record<string, unknown> = { ...json };
  if ("imports" in json) out.imports = filterMap(json.imports, refused, found);
  const scopes = json.scopes;
  if (scopes && typeof scopes === "object" && !Array.isArray(scopes))
    out.scopes = Object.fromEntries(
      Object.entries(scopes).map(([scope, map]) => [scope, filterMap(map, refused, found)]),
    );
  return out;
}

/** Each rule's `urls` without refused ones; a list rule left with no URL is dropped. */
function filterSpeculationRules(json: Record<string, unknown>, refused: Refusal, found: Set<string>): unknown {
  const out: Record<string, unknown> = { ...json };
  for (const [action, rules] of Object.entries(json)) {
    if (!Array.isArray(rules)) continue;
    out[action] = rules.flatMap((rule: unknown) => {
      if (!rule || typeof rule !== "object" || !Array.isArray((rule as { urls?: unknown }).urls)) return [rule];
      const urls = (rule as { urls: unknown[] }).urls;
      const kept = urls.filter((u) => {
        const vendors = refused(u);
        for (const v of vendors) found.add(v);
        return vendors.length === 0;
      });
      if (kept.length === urls.length) return [rule];
      return kept.length || "where" in rule ? [{ ...rule, urls: kept }] : [];
    });
  }
  return out;
}

/** The JSON judge of a page: `base` is read at judgement time (a `<base href>` may change it). */
export function urlJsonJudge(plan: RewritePlan, base: () => URL): JsonJudge {
  const { policy, decision } = plan;
  return (text, kind) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { content: null, vendors: [] };
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) return { content: null, vendors: [] };
    const refused: Refusal = (address) => {
      if (typeof address !== "string") return [];
      const url = resolveUrl(address, base());
      if (!url) return [];
      const verdict = judgeUrl(policy, decision, url, plan.pageUrl);
      if (verdict.vendors.length || verdict.refused.length)
        plan.observe?.({
          tag: "script",
          via: kind,
          target: url.hostname,
          vendors: verdict.vendors,
          rule: verdict.rule,
          removed: verdict.refused.length > 0,
        });
      return verdict.refused;
    };
    const found = new Set<string>();
    const record = json as Record<string, unknown>;
    const filtered =
      kind === "importmap" ? filterImportMap(record, refused, found) : filterSpeculationRules(record, refused, found);
    if (!found.size) return { content: text, vendors: [] };
    // `<` only occurs inside JSON strings; escaped, no `</script>` can end the element early.
    return { content: JSON.stringify(filtered).replace(/</g, "\\u003c"), vendors: [...found] };
  };
}
