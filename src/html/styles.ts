/**
 * CSS in the page: `<style>` sheets and `style` attributes lose a refused vendor's `@import`
 * rules and the declarations that load from it (./css.ts), and keep everything else. A sheet's
 * text is held back like an inline script's, up to the same limit (`limits.inlineBytes`); a
 * larger one is dropped (fail closed).
 */
import { resolveUrl } from "../match/url";
import { decodeAttributeValue } from "./attribute-value";
import { filterCss } from "./css";
import type { DocumentContext } from "./plan";
import { judgeUrl } from "./refusal";

/** Refused vendor ids for a URL in CSS, resolved against the document's base; observed. */
function cssJudge(ctx: DocumentContext, tag: string): (value: string) => string[] {
  const { plan } = ctx;
  return (value) => {
    const url = resolveUrl(value.trim(), ctx.base.url);
    if (!url) return [];
    const verdict = judgeUrl(plan.policy, plan.decision, url, plan.pageUrl);
    if (plan.observe && (verdict.vendors.length || verdict.thirdParty))
      plan.observe({
        tag,
        via: "css",
        target: url.hostname,
        vendors: verdict.vendors,
        rule: verdict.rule,
        removed: verdict.refused.length > 0,
      });
    return verdict.refused;
  };
}

/** `<style>` text: held until the element's text ends, then written back filtered. */
export function styleSheetHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  const { plan } = ctx;
  let parts: string[] = [];
  let size = 0;
  return {
    text(chunk) {
      size += chunk.text.length;
      if (size <= plan.inlineLimit) parts.push(chunk.text);
      if (!chunk.lastInTextNode) {
        if (ctx.mutate) chunk.remove();
        return;
      }
      const css = parts.join("");
      const oversized = size > plan.inlineLimit;
      parts = [];
      size = 0;
      if (oversized) {
        if (ctx.mutate) chunk.remove();
        ctx.report(["unchecked"], "oversized", "style");
        return;
      }
      const result = filterCss(css, cssJudge(ctx, "style"));
      if (ctx.mutate) chunk.replace(result.css, { html: true });
      if (result.refused.length) ctx.report([...new Set(result.refused)], "inline", "style");
    },
  };
}

/** A `style` attribute: the declarations that load from a refused vendor go. */
export function styleAttributeHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (el.removed) return;
      const value = decodeAttributeValue(el.getAttribute("style") ?? "");
      const result = filterCss(value, cssJudge(ctx, el.tagName.toLowerCase()), true);
      if (!result.refused.length) return;
      if (ctx.mutate) {
        if (result.css.trim()) el.setAttribute("style", result.css.replace(/&/g, "&amp;"));
        else el.removeAttribute("style");
      }
      ctx.report([...new Set(result.refused)], "attribute", el.tagName);
    },
  };
}
