/**
 * Elements that make the browser fetch a URL on its own: each URL attribute is judged against the
 * decision (./refusal.ts), and a refused one removes its element (or, where removing the element
 * would change the page around it, only the attribute). Also the first `<base href>`, which
 * changes how every later relative URL resolves, `<a ping>`, and the re-pointing of allowed
 * first-party tags.
 */
import { hostNamed, resolveUrl } from "../match/url";
import { siteFor } from "../policy/compile";
import { decodeAttributeValue } from "./attribute-value";
import { HTML_NS, removeElement } from "./elements";
import { codeOfUrl } from "./hidden-code";
import { inlineJudge } from "./inline-judge";
import type { DocumentContext, Repoint } from "./plan";
import { judgeUrl } from "./refusal";
import { parseSrcset, srcsetCandidates } from "./srcset";

/**
 * Lazy and delayed loading: site optimisers (WP Rocket's `data-rocket-src`, LiteSpeed's and
 * lazysizes' `data-src`, `data-lazy-src`) and consent managers (`<script type="text/plain"
 * data-src>`) keep the URL here until a scroll or the first interaction, then move it to `src`.
 * They are judged like `src`. A site names more in its site file (`urlAttributes`).
 */
export const LAZY_SRC = ["data-src", "data-rocket-src", "data-lazy-src"] as const;
const LAZY_SRCSET = ["data-srcset", "data-lazy-srcset"] as const;

/** Attributes holding URLs the browser fetches on its own, or that a loader moves there, per element. */
const ELEMENT_ATTRIBUTES: ReadonlyArray<readonly [string, readonly string[]]> = [
  // SVG scripts load from href / xlink:href; HTML ones from src.
  ["script", ["src", "href", "xlink:href", ...LAZY_SRC]],
  // LiteSpeed Cache delays iframes in data-litespeed-src (its assets/js/js_delay.js).
  ["iframe", ["src", ...LAZY_SRC, "data-litespeed-src"]],
  ["frame", ["src"]],
  ["img", ["src", "srcset", ...LAZY_SRC, ...LAZY_SRCSET]],
  ["source", ["src", "srcset", ...LAZY_SRC, ...LAZY_SRCSET]],
  ["video", ["src", "poster", ...LAZY_SRC, "data-poster"]],
  ["audio", ["src", ...LAZY_SRC]],
  ["track", ["src"]],
  ["embed", ["src", ...LAZY_SRC]],
  ["object", ["data"]],
  ["input", ["src"]],
  ["link", ["href", "imagesrcset"]],
  // In HTML the parser turns <image> into <img>; in SVG it loads href.
  ["image", ["src", "srcset", "href", "xlink:href"]],
  ["use", ["href", "xlink:href"]],
  ["feimage", ["href", "xlink:href"]],
];
/** Elements whose main resource is a URL attribute: a refused one takes the element with it. */
const RESOURCE_ELEMENTS = new Set(ELEMENT_ATTRIBUTES.map(([tag]) => tag));
/** `:not(...)` for every element ELEMENT_ATTRIBUTES judges `attribute` on already. */
const elsewhere = (attribute: string) =>
  ELEMENT_ATTRIBUTES.filter(([, list]) => list.includes(attribute))
    .map(([tag]) => `:not(${tag})`)
    .join("");

export const URL_ATTRIBUTES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ...ELEMENT_ATTRIBUTES,
  ["[background]", ["background"]],
  // lazysizes' background image, on any element.
  ["[data-bg]", ["data-bg"]],
  // Lazy attributes on elements not listed above (a <div data-src> a script reads): the
  // attribute goes, not the element.
  ...[...LAZY_SRC, ...LAZY_SRCSET].map((a) => [`[${a}]${elsewhere(a)}`, [a]] as const),
];
/**
 * Void to the browser's tree builder but not to lol-html, which would take the rest of the page
 * (or of their parent) for their content: these lose the refused attribute instead.
 */
const VOID_IN_BROWSER = new Set(["frame", "image"]);
const SRCSET = new Set<string>(["srcset", "imagesrcset", ...LAZY_SRCSET]);
/**
 * Attributes that are not the element's main resource: a refused one goes (a srcset loses only
 * its refused candidates), and the element stays with its own content.
 */
const PART_ATTRIBUTES = new Set<string>([...SRCSET, "poster", "data-poster", "background", "data-bg"]);
/** A site's own URL attributes (`urlAttributes`) ending in `srcset` are read as srcset values. */
const isSrcset = (attribute: string) => SRCSET.has(attribute) || attribute.endsWith("srcset");
/**
 * `<link rel>` values that make the browser fetch nothing by themselves: a link whose every
 * relation is one of these (`rel=me`, `rel=alternate`, `rel=canonical`) is left alone, whatever
 * it points at. Any other relation, or none, counts as fetching (fail closed): `search` (OpenSearch
 * descriptions are fetched for autodiscovery) and `next` (prefetched by some browsers) are left out.
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
  "nofollow",
  "noopener",
  "noreferrer",
  "opener",
  "prev",
  "shortlink",
  "tag",
]);

function fetchesFrom(el: Element): boolean {
  if (el.tagName !== "link") return true;
  const rels = (el.getAttribute("rel") ?? "")
    .toLowerCase()
    .split(/[\t\n\f\r ]+/)
    .filter(Boolean);
  return rels.length === 0 || rels.some((r) => !NON_FETCHING_RELS.has(r));
}

/** Raw values that may leave the page's host: a scheme, a character reference, "//", "\\", or tab/LF/CR (the URL parser deletes them). */
const SUSPECT = ['*=":"', '*="&"', '*="//"', '*="\\\\"', '*="\\9 "', '*="\\a "', '*="\\d "'];
/** Lazy and delayed URL attributes, matched by presence alone (see urlSelectors). */
const PRESENCE_ONLY = new Set<string>([...LAZY_SRC, ...LAZY_SRCSET, "data-poster", "data-litespeed-src"]);
/** Elements common enough on every page that sparing them a call into JavaScript pays. */
const COMMON = new Set(["img", "link", "script", "iframe", "source", "input"]);

/** The site file's own `urlAttributes` for this page, less the built-in ones. */
export function siteUrlAttributes(ctx: DocumentContext): string[] {
  const { policy, pageUrl } = ctx.plan;
  const builtIn = new Set(URL_ATTRIBUTES.flatMap(([, list]) => list));
  return (siteFor(policy, pageUrl.hostname)?.urlAttributes ?? []).filter((a) => !builtIn.has(a));
}

/** `img` for `img`, and for `[data-src]:not(img)` the part after the attribute, `:not(img)`. */
const elementPart = (selector: string) =>
  selector.startsWith("[") ? selector.slice(selector.indexOf("]") + 1) : selector;

/**
 * The selectors the URL handlers register. On a page whose host no vendor names, a relative URL
 * stays on that host, so lol-html itself filters common elements down to values that may leave it
 * (SUSPECT) and JavaScript is called only for those: each call from lol-html into a handler costs
 * more than matching a selector natively (docs/BENCHMARKS.md).
 */
export function urlSelectors(ctx: DocumentContext) {
  const { policy } = ctx.plan;
  const narrow = !policy.failsafe && !hostNamed(policy.urls, ctx.base.url.hostname);
  // A lazy attribute is rare on a page and its every value is a URL to judge: matching it by its
  // presence is one selector, where the SUSPECT filter would be seven (each costs native matching
  // on every element of every page, docs/DEPLOY.md "Where a miss's CPU goes").
  const suspect = (selector: string, attributes: readonly string[]) =>
    narrow
      ? attributes
          .flatMap((a) =>
            PRESENCE_ONLY.has(a)
              ? [`${elementPart(selector)}[${a}]`]
              : SUSPECT.map((x) => `${elementPart(selector)}[${a.replace(":", "\\:")}${x}]`),
          )
          .join(", ")
      : selector;
  return {
    narrow,
    /** The selector for one entry of URL_ATTRIBUTES. */
    attributes(selector: string, attributes: readonly string[]): string {
      if (!narrow) return selector;
      if (selector === "[background]") return selector;
      if (selector === "script") return `${suspect("script", ["src", ...LAZY_SRC])}, svg script`;
      return COMMON.has(selector) || selector.startsWith("[") ? suspect(selector, attributes) : selector;
    },
    /** Tags that may be re-pointed. */
    repoint(): string {
      return narrow ? `${suspect("script", ["src"])}, ${suspect("link", ["href"])}` : "script[src], link[href]";
    },
  };
}

/** Refused vendor ids for one URL; observes it when it is a vendor's or a third party's. */
function refusedUrl(ctx: DocumentContext, tag: string, attribute: string, candidate: string, fetches = true): string[] {
  const { plan } = ctx;
  const url = resolveUrl(candidate, ctx.base.url);
  if (!url) return [];
  const verdict = judgeUrl(plan.policy, plan.decision, url, plan.pageUrl);
  // What the browser does not fetch (a link whose relations fetch nothing) is no contact at all.
  if (plan.observe && fetches && (verdict.vendors.length || verdict.thirdParty))
    plan.observe({
      tag: tag.toLowerCase(),
      via: attribute,
      target: url.hostname,
      vendors: verdict.vendors,
      rule: verdict.rule,
      removed: verdict.refused.length > 0,
    });
  return verdict.refused;
}

/** Refused vendor ids for one decoded attribute value (every URL a srcset may name). */
function refusedValue(ctx: DocumentContext, tag: string, attribute: string, value: string, fetches = true): string[] {
  // A data: script or a javascript: script or frame runs the code in its URL.
  const lower = tag.toLowerCase();
  if (lower === "script" || lower === "iframe" || lower === "frame") {
    const code = codeOfUrl(value, lower === "script");
    if (code !== null) return [...inlineJudge(ctx.plan)(code, false)];
  }
  const candidates = isSrcset(attribute) ? srcsetCandidates(value) : [value];
  for (const candidate of candidates) {
    const refused = refusedUrl(ctx, tag, attribute, candidate, fetches);
    if (refused.length) return refused;
  }
  return [];
}

/**
 * A refused srcset without its refused candidates, or null when nothing of it may stay (or its
 * candidates cannot be told apart the way the browser would: fail closed, the attribute goes).
 */
function keptSrcset(ctx: DocumentContext, value: string): string | null {
  const { plan } = ctx;
  const kept = parseSrcset(value).filter((c) => {
    const url = resolveUrl(c.url, ctx.base.url);
    return !url || judgeUrl(plan.policy, plan.decision, url, plan.pageUrl).refused.length === 0;
  });
  const rest = kept.map((c) => c.text).join(", ");
  if (!rest) return null;
  // Offered generously, the kept candidates must name no refused URL either.
  const leftover = srcsetCandidates(rest).some((c) => {
    const url = resolveUrl(c, ctx.base.url);
    return url && judgeUrl(plan.policy, plan.decision, url, plan.pageUrl).refused.length > 0;
  });
  return leftover ? null : rest;
}

/** An attribute value as lol-html writes it back between double quotes: `&` must stay literal. */
const attributeText = (value: string) => value.replace(/&/g, "&amp;");

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

/**
 * Judges each of the element's URL attributes. A refused main resource (`src`, `href`, `data`,
 * their lazy forms) removes the element; anything else loses only the refused part: a srcset
 * its refused candidates, a `poster` or background the attribute, a lazy attribute on an element
 * that loads nothing itself the attribute.
 */
export function urlAttributeHandler(
  ctx: DocumentContext,
  attributes: readonly string[],
): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      if (el.removed) return;
      const fetches = fetchesFrom(el);
      // Relations that fetch nothing: the link is left alone, and is no contact to observe.
      if (!fetches) return;
      for (const attribute of attributes) {
        const raw = el.getAttribute(attribute);
        if (raw === null) continue;
        const value = decodeAttributeValue(raw);
        const refused = refusedValue(ctx, el.tagName, attribute, value, fetches);
        if (!refused.length) continue;
        const wholeElement =
          !PART_ATTRIBUTES.has(attribute) &&
          RESOURCE_ELEMENTS.has(el.tagName) &&
          !(el.namespaceURI === HTML_NS && VOID_IN_BROWSER.has(el.tagName));
        if (wholeElement) {
          if (ctx.mutate) removeElement(el);
          ctx.report(refused, "element", el.tagName);
          return;
        }
        const rest = isSrcset(attribute) ? keptSrcset(ctx, value) : null;
        if (ctx.mutate) {
          if (rest === null) el.removeAttribute(attribute);
          else el.setAttribute(attribute, attributeText(rest));
        }
        ctx.report(refused, "attribute", el.tagName);
      }
    },
  };
}

/** `<a ping>` and `<area ping>` send a request to every listed URL when followed: the refused ones go. */
export function pingHandler(ctx: DocumentContext): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      const urls = decodeAttributeValue(el.getAttribute("ping") ?? "")
        .split(/[\t\n\f\r ]+/)
        .filter(Boolean);
      const refused: string[] = [];
      const kept = urls.filter((u) => {
        const ids = refusedUrl(ctx, el.tagName, "ping", u);
        refused.push(...ids);
        return ids.length === 0;
      });
      if (!refused.length) return;
      if (ctx.mutate) {
        if (kept.length) el.setAttribute("ping", attributeText(kept.join(" ")));
        else el.removeAttribute("ping");
      }
      ctx.report([...new Set(refused)], "attribute", el.tagName);
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
