/**
 * Elements that make the browser fetch a URL on its own: each URL attribute is judged against the
 * decision (./refusal.ts), and a refused one removes its element (or, where removing the element
 * would change the page around it, only the attribute). Also the first `<base href>`, which
 * changes how every later relative URL resolves, `<a ping>`, and the re-pointing of allowed
 * first-party tags.
 */
import { hostNamed, resolveUrl } from "../match/url";
import { decodeAttributeValue } from "./attribute-value";
import { HTML_NS, removeElement } from "./elements";
import { codeOfUrl } from "./hidden-code";
import { inlineJudge } from "./inline-judge";
import type { DocumentContext, Repoint } from "./plan";
import { judgeUrl } from "./refusal";
import { srcsetCandidates } from "./srcset";

/** Attributes holding URLs the browser fetches on its own, per element. */
export const URL_ATTRIBUTES: ReadonlyArray<readonly [string, readonly string[]]> = [
  // SVG scripts load from href / xlink:href; HTML ones from src.
  ["script", ["src", "href", "xlink:href"]],
  ["iframe", ["src"]],
  ["frame", ["src"]],
  ["img", ["src", "srcset"]],
  ["source", ["src", "srcset"]],
  ["video", ["src", "poster"]],
  ["audio", ["src"]],
  ["track", ["src"]],
  ["embed", ["src"]],
  ["object", ["data"]],
  ["input", ["src"]],
  ["link", ["href", "imagesrcset"]],
  // In HTML the parser turns <image> into <img>; in SVG it loads href.
  ["image", ["src", "srcset", "href", "xlink:href"]],
  ["use", ["href", "xlink:href"]],
  ["feimage", ["href", "xlink:href"]],
  ["[background]", ["background"]],
];
/**
 * Void to the browser's tree builder but not to lol-html, which would take the rest of the page
 * (or of their parent) for their content: these lose the refused attribute instead.
 */
const VOID_IN_BROWSER = new Set(["frame", "image"]);
const SRCSET = new Set(["srcset", "imagesrcset"]);
/**
 * `<link rel>` values that make the browser fetch nothing by themselves. Such links to a refused
 * vendor are still removed; they are just not reported as third parties to classify.
 * https://html.spec.whatwg.org/multipage/links.html#linkTypes
 */
const NON_FETCHING_RELS = new Set([
  "alternate",
  "author",
  "bookmark",
  "canonical",
  "external",
  "help",
  "license",
  "me",
  "next",
  "nofollow",
  "noopener",
  "noreferrer",
  "opener",
  "prev",
  "search",
  "shortlink",
  "tag",
]);

function fetchesFrom(el: Element): boolean {
  if (el.tagName !== "link") return true;
  const rels = (el.getAttribute("rel") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  return rels.length === 0 || rels.some((r) => !NON_FETCHING_RELS.has(r));
}

/** Raw values that may leave the page's host: a scheme, a character reference, "//", "\\", or tab/LF/CR (the URL parser deletes them). */
const SUSPECT = ['*=":"', '*="&"', '*="//"', '*="\\\\"', '*="\\9 "', '*="\\a "', '*="\\d "'];
/** Elements common enough on every page that sparing them a call into JavaScript pays. */
const COMMON = new Set(["img", "link", "script", "iframe", "source", "input"]);

/**
 * The selectors the URL handlers register. On a page whose host no vendor names, a relative URL
 * stays on that host, so lol-html itself filters common elements down to values that may leave it
 * (SUSPECT) and JavaScript is called only for those: each call from lol-html into a handler costs
 * more than matching a selector natively (docs/BENCHMARKS.md).
 */
export function urlSelectors(ctx: DocumentContext) {
  const { policy } = ctx.plan;
  const narrow = !policy.failsafe && !hostNamed(policy.urls, ctx.base.url.hostname);
  const suspect = (selector: string, attributes: readonly string[]) =>
    narrow
      ? attributes
          .flatMap((a) =>
            SUSPECT.map((x) => `${selector.startsWith("[") ? "" : selector}[${a.replace(":", "\\:")}${x}]`),
          )
          .join(", ")
      : selector;
  return {
    narrow,
    /** The selector for one entry of URL_ATTRIBUTES. */
    attributes(selector: string, attributes: readonly string[]): string {
      if (!narrow) return selector;
      if (selector === "[background]") return selector;
      if (selector === "script") return `${suspect("script", ["src"])}, svg script`;
      return COMMON.has(selector) ? suspect(selector, attributes) : selector;
    },
    /** Tags that may be re-pointed. */
    repoint(): string {
      return narrow ? `${suspect("script", ["src"])}, ${suspect("link", ["href"])}` : "script[src], link[href]";
    },
  };
}

/** Refused vendor ids for one raw attribute value; observes every vendor or third-party URL in it. */
function refusedValue(ctx: DocumentContext, tag: string, attribute: string, raw: string, fetches = true): string[] {
  const { plan } = ctx;
  // A data: script or a javascript: script or frame runs the code in its URL.
  const lower = tag.toLowerCase();
  if (lower === "script" || lower === "iframe" || lower === "frame") {
    const code = codeOfUrl(raw, lower === "script");
    if (code !== null) return [...inlineJudge(plan)(code, false)];
  }
  const value = decodeAttributeValue(raw);
  const candidates = SRCSET.has(attribute) ? srcsetCandidates(value) : [value];
  for (const candidate of candidates) {
    const url = resolveUrl(candidate, ctx.base.url);
    if (!url) continue;
    const verdict = judgeUrl(plan.policy, plan.decision, url, plan.pageUrl);
    // A third party no vendor names is worth classifying only if the browser fetches from it.
    if (plan.observe && (verdict.vendors.length || (verdict.thirdParty && fetches)))
      plan.observe({
        tag: tag.toLowerCase(),
        via: attribute,
        target: url.hostname,
        vendors: verdict.vendors,
        rule: verdict.rule,
        removed: verdict.refused.length > 0,
      });
    if (verdict.refused.length) return verdict.refused;
  }
  return [];
}

/**
 * The first `<base href>` changes how every later relative URL resolves. One that points at a
 * vendor's host, on a page whose selectors were narrowed to the page's own host, is removed:
 * relative URLs must keep resolving on the page's host.
 */
export function baseHandler(ctx: DocumentContext, removeVendorBase: boolean): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (ctx.base.seen) return;
      const url = resolveUrl(decodeAttributeValue(el.getAttribute("href") ?? ""), ctx.base.url);
      if (url && removeVendorBase && hostNamed(ctx.plan.policy.urls, url.hostname)) {
        el.remove();
        ctx.report(["base"], "element", "base");
        return;
      }
      ctx.base.seen = true;
      if (url) ctx.base.url = url;
    },
  };
}

/** Judges each of the element's URL attributes; the first refused one removes it. */
export function urlAttributeHandler(
  ctx: DocumentContext,
  attributes: readonly string[],
): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      for (const attribute of attributes) {
        const raw = el.getAttribute(attribute);
        if (raw === null) continue;
        const refused = refusedValue(ctx, el.tagName, attribute, raw, fetchesFrom(el));
        if (!refused.length) continue;
        // A <body> or <table> loses the image, not its content.
        if (attribute === "background" || (el.namespaceURI === HTML_NS && VOID_IN_BROWSER.has(el.tagName))) {
          if (ctx.mutate) el.removeAttribute(attribute);
          ctx.report(refused, "attribute", el.tagName);
          continue;
        }
        if (ctx.mutate) removeElement(el);
        ctx.report(refused, "element", el.tagName);
        return;
      }
    },
  };
}

/** `<a ping>` and `<area ping>` send a request to every listed URL when followed. */
export function pingHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      const raw = el.getAttribute("ping") ?? "";
      const refused = decodeAttributeValue(raw)
        .split(/\s+/)
        .flatMap((u) => (u ? refusedValue(ctx, el.tagName, "ping", u) : []));
      if (refused.length) {
        if (ctx.mutate) el.removeAttribute("ping");
        ctx.report(refused, "attribute", el.tagName);
      }
    },
  };
}

/**
 * First-party tags (src/beacon/repoint.ts works out which): an allowed vendor tag that the policy
 * serves from /__gk/ is re-pointed there, with its data-gatekeeper config inserted before its
 * first script.
 */
export function repointHandler(ctx: DocumentContext, repoint: Repoint): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (el.removed) return;
      const attribute = el.tagName === "script" ? "src" : "href";
      const url = resolveUrl(decodeAttributeValue(el.getAttribute(attribute) ?? ""), ctx.base.url);
      const moved = url && repoint.target(url, el.tagName === "script" ? { nonce: el.getAttribute("nonce") } : null);
      if (!moved) return;
      el.setAttribute(attribute, moved.path);
      if (moved.config) el.before(moved.config, { html: true });
    },
  };
}
