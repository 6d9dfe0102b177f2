/**
 * The one HTMLRewriter (lol-html) builder. It removes, as the page streams, every element that
 * would make the browser contact a vendor whose purpose the decision refused. This file is the
 * list of what is registered, in order (lol-html runs the handlers of one element in that
 * order); what each handler does lives beside it: URL attributes (./url-attributes.ts), inline
 * scripts (./inline-script.ts, judged by ./inline-judge.ts), fragments (./fragments.ts) and the
 * gatekeeper's own elements (./injections.ts).
 *
 * lol-html facts this relies on:
 * - attribute values arrive raw, with character references encoded (decodeAttributeValue);
 * - inline script text arrives in chunks; it is held back until `lastInTextNode` and then
 *   either written back unchanged or dropped. That text is the only thing ever buffered;
 * - `<noscript>` content arrives as text, because the parser runs with scripting on. It is
 *   filtered by running this same rewriter over it as a fragment, so what a browser with
 *   scripting off would parse is filtered by the same rules;
 * - a handler that throws errors the stream, truncating the page. That fails closed, and
 *   nothing here catches it to carry on;
 * - each call from lol-html into a JavaScript handler costs more than matching a selector
 *   natively (docs/BENCHMARKS.md), so selectors stay narrow.
 * A refused inline script keeps its `<script ...>` tags and loses its text: the start tag has
 * already streamed out by the time its content can be judged, and an empty script does nothing.
 */

import { scriptKind } from "../match/script-type";
import { decodeAttributeValue } from "./attribute-value";
import { metaRefreshHandler, svgAnimationHandler } from "./declarative";
import { HTML_NS, removeElement } from "./elements";
import { type FragmentFilter, filterFragment, noscriptHandler, srcdocHandler } from "./fragments";
import { EVENT_HANDLERS, refusedHandlers } from "./hidden-code";
import { registerInjections } from "./injections";
import { dataReader, inlineJudge } from "./inline-judge";
import { InlineScripts } from "./inline-script";
import { type BaseState, type DocumentContext, documentContext, type RewritePlan } from "./plan";
import { styleAttributeHandler, styleSheetHandler } from "./styles";
import { baseHandler, narrowUrls, pingHandler, urlHandler, urlSelector } from "./url-attributes";
import { urlJsonJudge } from "./url-json";

/** True when there is anything to remove or re-point; otherwise the page streams through untouched. */
export function needsRewrite(plan: Pick<RewritePlan, "policy" | "decision" | "repoint">): boolean {
  return plan.policy.failsafe || plan.decision.refused.some(Boolean) || Boolean(plan.repoint);
}

export function rewriteHtml(response: Response, plan: RewritePlan): Response {
  return buildRewriter(plan, 0).transform(response);
}

const filter: FragmentFilter = (html, plan, depth, base) =>
  filterFragment(html, plan, depth, base, (p) => buildRewriter(p, depth, base).transform(new Response(html)).text());

function buildRewriter(plan: RewritePlan, depth: number, inherited?: BaseState): HTMLRewriter {
  const { policy, decision } = plan;
  const ctx = documentContext(plan, depth, inherited);
  const rewriter = new HTMLRewriter();
  // With nothing refused only injections and re-pointing have work, unless someone is watching
  // (the audit and shadow mode observe every vendor element, kept or not).
  const anyRefused = policy.failsafe || decision.refused.some(Boolean) || plan.observe !== undefined;

  const narrow = narrowUrls(ctx);
  rewriter.on("base[href]", baseHandler(ctx, narrow && anyRefused));
  // Top level only: scripts in noscript content never run, and a srcdoc is judged by whether
  // filtering changes it, which re-pointing would.
  const repoint = depth === 0 && ctx.mutate ? (plan.repoint ?? null) : null;
  if (anyRefused || repoint) rewriter.on(urlSelector(ctx, narrow, anyRefused), urlHandler(ctx, anyRefused, repoint));
  if (!anyRefused) return finish(rewriter, ctx);

  rewriter.on("[ping]", pingHandler(ctx));
  rewriter.on("meta[http-equiv]", metaRefreshHandler(ctx));
  rewriter.on("svg set, svg animate", svgAnimationHandler(ctx));
  rewriter.on("style", styleSheetHandler(ctx));
  // Only a value with "(" can hold url() or image-set() ("&" for a character reference).
  rewriter.on('[style*="("], [style*="&"]', styleAttributeHandler(ctx));
  rewriter.on("iframe[srcdoc]", srcdocHandler(ctx, filter));
  for (const { selector, vendor, classToken } of policy.selectors)
    if (decision.refused[vendor]) rewriter.on(selector, vendorSelectorHandler(ctx, selector, vendor, classToken));
  registerInlineScripts(rewriter, ctx);
  rewriter.on(HANDLER_SELECTOR, eventHandlerAttributes(ctx));
  rewriter.on("noscript", noscriptHandler(ctx, filter));
  return finish(rewriter, ctx);
}

/** The gatekeeper's own elements, last, and the end of the document. */
function finish(rewriter: HTMLRewriter, ctx: DocumentContext): HTMLRewriter {
  const { plan, depth } = ctx;
  if (depth !== 0) return rewriter;
  const onEnd = plan.onEnd;
  if (plan.injections) registerInjections(rewriter, plan.injections, ctx.removed, onEnd);
  else if (onEnd) rewriter.onDocument({ end: () => onEnd() });
  return rewriter;
}

/** An element a refused vendor's `selectors` name: removed, or replaced by its placeholder. */
function vendorSelectorHandler(
  ctx: DocumentContext,
  selector: string,
  vendor: number,
  classToken?: RegExp,
): HTMLRewriterElementContentHandlers {
  const { plan } = ctx;
  const id = plan.policy.vendors[vendor]?.id ?? "unknown";
  const placeholder = ctx.depth === 0 ? plan.injections?.replacements?.get(vendor) : undefined;
  return {
    element(el) {
      // A class-token rule: lol-html matched the literal prefix; the whole token must match too.
      if (classToken && !hasClassToken(el, classToken)) return;
      plan.observe?.({
        tag: el.tagName.toLowerCase(),
        via: "selector",
        target: classToken ? classToken.source : selector,
        vendors: [id],
        rule: `selector:${classToken ? classToken.source : selector}`,
        removed: true,
      });
      if (ctx.mutate) removeElement(el, placeholder);
      ctx.report([id], "element", el.tagName);
    },
  };
}

const HANDLER_SELECTOR = EVENT_HANDLERS.map((name) => `[${name}]`).join(", ");

/** Event-handler attributes (./hidden-code.ts): a refused one loses the attribute, not the element. */
function eventHandlerAttributes(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  const judge = inlineJudge(ctx.plan);
  return {
    element(el) {
      for (const [name, vendors] of refusedHandlers(el, judge)) {
        if (ctx.mutate) el.removeAttribute(name);
        ctx.report(vendors, "attribute", el.tagName);
      }
    },
  };
}

/**
 * Inline scripts whose type needs reading. One plain selector: every `:not(...)` added to spare a
 * call for common types cost more in native matching on every page than the calls it spared.
 */
const TYPED_SCRIPTS = "script[type]:not([src]), script[language]:not([src])";

/** Whether one of the element's class tokens (split on ASCII whitespace) matches `pattern`. */
function hasClassToken(el: Element, pattern: RegExp): boolean {
  return decodeAttributeValue(el.getAttribute("class") ?? "")
    .split(/[\t\n\f\r ]+/)
    .some((token) => pattern.test(token));
}

/** Inline scripts (./inline-script.ts): lol-html's elements and text chunks in, its steps done. */
function registerInlineScripts(rewriter: HTMLRewriter, ctx: DocumentContext): void {
  const scripts = new InlineScripts(
    ctx.plan.inlineLimit,
    inlineJudge(ctx.plan),
    urlJsonJudge(ctx.plan, () => ctx.base.url),
    dataReader(ctx.plan),
  );
  // Children of an SVG script (HTML scripts have none): registered first, so that a script
  // nested in one is known to be removed before the handler below sees it.
  rewriter.on("script *", {
    element(el) {
      if (!scripts.child(el.tagName)) return;
      if (ctx.mutate) removeElement(el);
      ctx.report(["unchecked"], "inline", "script");
    },
  });
  // Only scripts inside <svg> need their start tag seen (docs in ./inline-script.ts).
  rewriter.on("svg script", {
    element(el) {
      const end = scripts.svgScript({ html: el.namespaceURI === HTML_NS, src: el.hasAttribute("src") });
      if (!end) return;
      try {
        el.onEndTag(end);
      } catch {
        // Self-closing: no text follows.
        end();
      }
    },
  });
  // The type decides first (src/match/script-type.ts): only typed scripts need their start tag
  // read; a data block's text then passes chunk by chunk, never held.
  rewriter.on(TYPED_SCRIPTS, {
    element(el) {
      if (el.namespaceURI !== HTML_NS) return;
      const end = scripts.typed(scriptKind(el.getAttribute("type"), el.getAttribute("language")));
      if (end) el.onEndTag(end);
    },
  });
  rewriter.on("script:not([src]), svg script", {
    text(chunk) {
      const step = scripts.text(chunk.text, chunk.lastInTextNode);
      if (step.kind === "pass") return;
      if (step.kind === "write" || step.kind === "trimmed") {
        if (ctx.mutate) chunk.replace(step.content, { html: true });
        if (step.kind === "trimmed") ctx.report(step.vendors, "inline", "script");
        return;
      }
      if (ctx.mutate) chunk.remove();
      if (step.kind === "oversized") ctx.report(["unchecked"], "oversized", "script");
      else if (step.kind === "unreadable") ctx.report(["unchecked"], "inline", "script");
      else if (step.kind === "refused") ctx.report(step.vendors, "inline", "script");
    },
  });
}
