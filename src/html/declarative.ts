/**
 * URLs that markup loads without a URL attribute of its own: `<meta http-equiv=refresh>`
 * navigates to the URL in its `content`, and an SVG `<set>`/`<animate>` that targets `href`
 * makes its element load the URLs in `to`, `from` or `values` while the animation runs. A refused
 * one removes the element (the refresh or the animation: the vendor's part, nothing around it).
 */
import { resolveUrl } from "../match/url";
import { decodeAttributeValue } from "./attribute-value";
import { removeElement } from "./elements";
import type { DocumentContext } from "./plan";
import { judgeUrl } from "./refusal";

const SPACE = /[\t\n\f\r ]/;

/**
 * The URL of a refresh declaration's `content` (`5; url='https://...'`), or null when it names
 * none (a plain reload). Follows the shared declarative refresh steps:
 * https://html.spec.whatwg.org/multipage/semantics.html#shared-declarative-refresh-steps
 */
export function refreshUrl(content: string): string | null {
  let i = 0;
  const skipSpace = () => {
    while (i < content.length && SPACE.test(content[i] as string)) i++;
  };
  skipSpace();
  const digits = i;
  while (i < content.length && /[0-9]/.test(content[i] as string)) i++;
  if (i === digits && content[i] !== ".") return null;
  while (i < content.length && /[0-9.]/.test(content[i] as string)) i++;
  if (i >= content.length) return null;
  const separator = content[i] as string;
  if (separator !== ";" && separator !== "," && !SPACE.test(separator)) return null;
  skipSpace();
  if (content[i] === ";" || content[i] === ",") i++;
  skipSpace();
  if (i >= content.length) return null;
  let url = content.slice(i);
  const named = /^url[\t\n\f\r ]*=[\t\n\f\r ]*/i.exec(url);
  if (named) url = url.slice(named[0].length);
  const quote = url[0];
  if (quote === '"' || quote === "'") {
    const end = url.indexOf(quote, 1);
    url = end === -1 ? url.slice(1) : url.slice(1, end);
  }
  return url.trim() || null;
}

/** Refused vendor ids among `urls`, each resolved against the document's base. */
function refusedAmong(ctx: DocumentContext, tag: string, via: string, urls: readonly string[]): string[] {
  const { plan } = ctx;
  const refused = new Set<string>();
  for (const candidate of urls) {
    const url = resolveUrl(candidate, ctx.base.url);
    if (!url) continue;
    const verdict = judgeUrl(plan.policy, plan.decision, url, plan.pageUrl);
    if (plan.observe && (verdict.vendors.length || verdict.thirdParty))
      plan.observe({
        tag,
        via,
        target: url.hostname,
        vendors: verdict.vendors,
        rule: verdict.rule,
        removed: verdict.refused.length > 0,
      });
    for (const id of verdict.refused) refused.add(id);
  }
  return [...refused];
}

/** `<meta http-equiv="refresh" content="0; url=...">` to a refused vendor: removed. */
export function metaRefreshHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (
        decodeAttributeValue(el.getAttribute("http-equiv") ?? "")
          .trim()
          .toLowerCase() !== "refresh"
      )
        return;
      const url = refreshUrl(decodeAttributeValue(el.getAttribute("content") ?? ""));
      if (url === null) return;
      const refused = refusedAmong(ctx, "meta", "content", [url]);
      if (!refused.length) return;
      if (ctx.mutate) el.remove();
      ctx.report(refused, "element", "meta");
    },
  };
}

/** Attributes whose animation loads a URL. */
const URL_TARGETS = new Set(["href", "xlink:href", "src"]);

/** SVG `<set>` / `<animate>` setting `href` to a refused vendor's URL: the animation goes. */
export function svgAnimationHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      const target = decodeAttributeValue(el.getAttribute("attributeName") ?? "")
        .trim()
        .toLowerCase();
      if (!URL_TARGETS.has(target)) return;
      const urls = ["to", "from", "by", "values"].flatMap((name) => {
        const raw = el.getAttribute(name);
        if (raw === null) return [];
        const value = decodeAttributeValue(raw);
        return name === "values" ? value.split(";").map((v) => v.trim()) : [value.trim()];
      });
      const tag = el.tagName.toLowerCase();
      const refused = refusedAmong(ctx, tag, target, urls);
      if (!refused.length) return;
      if (ctx.mutate) removeElement(el);
      ctx.report(refused, "element", tag);
    },
  };
}
