/**
 * The judgement of an inline script's text: which vendors' snippets it holds (src/match/inline.ts)
 * and which of them the decision refuses. One observation per script, naming every vendor its
 * text matched.
 */
import { explainInline } from "../match/inline";
import { decodeAttributeValue } from "./attribute-value";
import type { InlineJudge } from "./inline-script";
import type { RewritePlan } from "./plan";

export function inlineJudge(plan: RewritePlan): InlineJudge {
  const { policy, decision } = plan;
  return (text, foreign) => {
    // An SVG script's text may hide a snippet behind character references.
    const found = foreign
      ? [...explainInline(policy.inline, text), ...explainInline(policy.inline, decodeAttributeValue(text))]
      : explainInline(policy.inline, text);
    const refused = [...new Set(found.map((f) => f.vendor))].filter((v) => decision.refused[v]);
    if (found.length)
      plan.observe?.({
        tag: "script",
        via: "inline",
        target: found[0]?.snippet ?? "",
        vendors: [...new Set(found.map((f) => policy.vendors[f.vendor]?.id ?? "unknown"))],
        rule: [...new Set(found.map((f) => `inline:${f.snippet}`))].join(" "),
        removed: refused.length > 0,
      });
    return refused.map((v) => policy.vendors[v]?.id ?? "unknown");
  };
}
