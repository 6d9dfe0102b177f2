/**
 * The judgement of an inline script's code: what it would load, not which text it mentions.
 *
 * The policy's hosts and loader signatures are looked for in one pass (src/match/inline.ts);
 * only a script that holds one of a refused vendor's is tokenized (src/match/js-code.ts), so
 * clean scripts cost nothing more. Then:
 * - a string or template literal whose content, escapes resolved (`\/`, `\x2f`, `\u002f`), is a
 *   URL on a refused vendor's host or URL rule refuses the script: `src=`, `new Image().src`,
 *   `sendBeacon`, `fetch`, `import()`, `WebSocket` all take their URL as such a literal;
 * - a loader signature refuses it only where it touches code (`fbq('init'`, `intercomSettings`),
 *   or sits in a literal that is a URL or a module specifier (`import "@vendor/sdk"`); not inside
 *   a comment, and not inside a literal that is data (a JSON string holding an embed code, a CMS
 *   text quoting a snippet, a lone `'gtm.start'` key);
 * - a refused vendor's host left anywhere else (a data string, a host split by concatenation) is
 *   a vendor reference the rewriter cannot remove: reported, not acted on (the CSP stops it).
 * One observation per script names every vendor found, with the rules that matched.
 */
import { findInline, type InlinePattern, inlineOccurrences } from "../match/inline";
import { literalUrl, placeOf, scanScript } from "../match/js-code";
import { explainUrl } from "../match/url";
import { decodeAttributeValue } from "./attribute-value";
import type { InlineJudge } from "./inline-script";
import type { RewritePlan } from "./plan";

interface Findings {
  /** Vendor index -> the rules that tie the script to it. */
  vendors: Map<number, Set<string>>;
  /** The first URL host or snippet found per vendor. */
  targets: Map<number, string>;
  /** Vendor index -> its host, named where nothing can be removed. */
  references: Map<number, string>;
}

function judgeCode(plan: RewritePlan, text: string, hits: readonly number[], findings: Findings): void {
  const { policy } = plan;
  const needles = policy.needles;
  const add = (vendor: number, rule: string, target: string) => {
    const rules = findings.vendors.get(vendor) ?? new Set<string>();
    findings.vendors.set(vendor, rules);
    rules.add(rule);
    if (!findings.targets.has(vendor)) findings.targets.set(vendor, target);
  };
  const script = scanScript(text);
  const urlHosts: string[] = [];
  for (const literal of script.literals) {
    if (!literal.content.includes(".")) continue;
    const url = literalUrl(literal.content, plan.pageUrl);
    if (!url) continue;
    urlHosts.push(url.hostname);
    const { vendors, rule } = explainUrl(policy.urls, url);
    for (const v of vendors) add(v, rule, url.hostname);
  }
  const signatures = new Set(hits.filter((i) => !(needles[i] as InlinePattern).host));
  for (const at of signatures.size ? inlineOccurrences(needles, text, signatures) : []) {
    const where = placeOf(script, at.start, at.end);
    if (where.place === "comment") continue;
    if (where.place === "string" && !where.literal.specifier && !literalUrl(where.literal.content, plan.pageUrl))
      continue;
    const p = needles[at.pattern] as InlinePattern;
    add(p.vendor, `inline:${p.source ?? p.normalized}`, p.source ?? p.normalized);
  }
  // A claimed host that no URL literal explains sits in data, or is put together at run time.
  for (const i of hits) {
    const p = needles[i] as InlinePattern;
    const host = p.source ?? p.normalized;
    if (!p.claimed || findings.references.has(p.vendor)) continue;
    if (urlHosts.some((h) => h === host || h.endsWith(`.${host}`))) continue;
    findings.references.set(p.vendor, host);
  }
}

export function inlineJudge(plan: RewritePlan): InlineJudge {
  const { policy, decision } = plan;
  return (raw, foreign) => {
    // An SVG script's text may hide a loader behind character references: both are read.
    const texts = foreign ? [raw, decodeAttributeValue(raw)] : [raw];
    const findings: Findings = { vendors: new Map(), targets: new Map(), references: new Map() };
    for (const text of texts) {
      const hits = findInline(policy.needles, text);
      if (!hits.length) continue;
      // Nothing refused among what was found, and nobody watching: nothing to work out.
      if (!plan.observe && !hits.some((i) => decision.refused[(policy.needles[i] as InlinePattern).vendor])) continue;
      judgeCode(plan, text, hits, findings);
    }
    for (const v of findings.vendors.keys()) findings.references.delete(v);
    const found = [...findings.vendors.keys()];
    const refused = found.filter((v) => decision.refused[v]);
    const id = (v: number) => policy.vendors[v]?.id ?? "unknown";
    if (found.length)
      plan.observe?.({
        tag: "script",
        via: "inline",
        target: findings.targets.get(found[0] as number) ?? "",
        vendors: found.map(id),
        rule: [...new Set(found.flatMap((v) => [...(findings.vendors.get(v) ?? [])]))].join(" "),
        removed: refused.length > 0,
      });
    for (const [v, host] of findings.references) {
      plan.observe?.({
        tag: "script",
        via: "reference",
        target: host,
        vendors: [id(v)],
        rule: `reference:${host}`,
        removed: false,
      });
      if (decision.refused[v]) plan.onReference?.({ vendor: id(v), tag: "script" });
    }
    return refused.map(id);
  };
}

/**
 * A data block's text (JSON, JSON-LD, templates), read after it has passed unchanged: each refused
 * vendor's claimed host in it is a reference the rewriter cannot remove (a framework may turn it
 * into a tag at run time), reported like those in code.
 */
export function dataReader(plan: RewritePlan): (text: string) => void {
  const { policy, decision } = plan;
  return (text) => {
    const seen = new Set<number>();
    for (const i of findInline(policy.needles, text)) {
      const p = policy.needles[i] as InlinePattern;
      if (!p.claimed || seen.has(p.vendor) || (!decision.refused[p.vendor] && !plan.observe)) continue;
      seen.add(p.vendor);
      const id = policy.vendors[p.vendor]?.id ?? "unknown";
      const host = p.source ?? p.normalized;
      plan.observe?.({
        tag: "script",
        via: "reference",
        target: host,
        vendors: [id],
        rule: `reference:${host}`,
        removed: false,
      });
      if (decision.refused[p.vendor]) plan.onReference?.({ vendor: id, tag: "script" });
    }
  };
}
