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
/** Tag -> the URL attributes judged on it. */
const BY_TAG = new Map(ELEMENT_ATTRIBUTES);
/**
 * Attributes judged on any element: the legacy `background`, lazysizes' `data-bg`, and a lazy
 * attribute on an element that does not load it itself (a `<div data-src>` a script reads), where
 * the attribute goes, not the element.
 */
const ANY_ELEMENT = ["background", "data-bg", ...LAZY_SRC, ...LAZY_SRCSET] as const;
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
/** Elements rare enough on a page that a call for each costs less than matching their attributes. */
const RARE = ["frame", "video", "audio", "track", "embed", "object", "image", "use", "feimage", "svg script"];

const BUILT_IN = new Set<string>([...ELEMENT_ATTRIBUTES.flatMap(([, list]) => list), ...ANY_ELEMENT]);
const NO_ATTRIBUTES: readonly string[] = [];
/** Per site file (compiled once per isolate): its own URL attributes, less the built-in ones. */
const siteAttributes = new WeakMap<object, readonly string[]>();

/** The site file's own `urlAttributes` for this page, less the built-in ones. */
function siteUrlAttributes(ctx: DocumentContext): readonly string[] {
  const { policy, pageUrl } = ctx.plan;
  const site = siteFor(policy, pageUrl.hostname);
  if (!site?.urlAttributes?.length) return NO_ATTRIBUTES;
  const own = siteAttributes.get(site) ?? site.urlAttributes.filter((a) => !BUILT_IN.has(a));
  siteAttributes.set(site, own);
  return own;
}

/** Whether relative URLs on this page stay on a host no vendor names (then selectors can be narrow). */
export function narrowUrls(ctx: DocumentContext): boolean {
  return !ctx.plan.policy.failsafe && !hostNamed(ctx.plan.policy.urls, ctx.base.url.hostname);
}

const attributeName = (a: string) => a.replace(":", "\\:");
const suspect = (element: string, attribute: string) =>
  SUSPECT.map((x) => `${element}[${attributeName(attribute)}${x}]`);

/**
 * The one selector list of the URL handler: every element with a URL attribute to judge, or to
 * re-point (`judge` false: only re-pointing); `narrow` is narrowUrls(ctx). Each call from lol-html into JavaScript costs more
 * than matching a selector natively, and each selector costs parsing per rewriter and matching on
 * every element (docs/BENCHMARKS.md), so the list is short and registered once:
 * - on a page whose host no vendor names (`narrow`), a relative URL stays on that host, so `src`,
 *   `srcset` and a link's `href` are matched only when their raw value may leave it (SUSPECT);
 * - lazy and delayed attributes are rare on a page and their every value is a URL to judge: they
 *   are matched by presence;
 * - rare elements are matched by their tag alone.
 * Without `narrow` every element that may load a URL is matched.
 */
export function urlSelector(ctx: DocumentContext, narrow: boolean, judge: boolean): string {
  const site = judge ? siteUrlAttributes(ctx) : NO_ATTRIBUTES;
  const key = `${narrow}|${judge}|${site.join(" ")}`;
  const selector = selectors.get(key) ?? buildUrlSelector(narrow, judge, site);
  selectors.set(key, selector);
  return selector;
}

/** The selector lists built so far (a handful per isolate: by narrow, judge and site attributes). */
const selectors = new Map<string, string>();

function buildUrlSelector(narrow: boolean, judge: boolean, site: readonly string[]): string {
  if (!judge)
    return narrow ? [...suspect("script", "src"), ...suspect("link", "href")].join(", ") : "script[src], link[href]";
  const parts = narrow
    ? [
        ...suspect("", "src"),
        ...suspect("", "srcset"),
        ...suspect("link", "href"),
        "link[imagesrcset]",
        "iframe[data-litespeed-src]",
        ...ANY_ELEMENT.map((a) => `[${attributeName(a)}]`),
        ...RARE,
        ...site.flatMap((a) => suspect("", a)),
      ]
    : [
        ...ELEMENT_ATTRIBUTES.map(([tag]) => tag),
        "svg script",
        ...[...ANY_ELEMENT, ...site].map((a) => `[${attributeName(a)}]`),
      ];
  return parts.join(", ");
}

/** Refused vendor ids for one URL; observes it when it is a vendor's or a third party's. */
function refusedUrl(ctx: DocumentContext, tag: string, attribute: string, candidate: string): string[] {
  const { plan } = ctx;
  const url = resolveUrl(candidate, ctx.base.url);
  if (!url) return [];
  const verdict = judgeUrl(plan.policy, plan.decision, url, plan.pageUrl);
  if (plan.observe && (verdict.vendors.length || verdict.thirdParty))
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
function refusedValue(ctx: DocumentContext, tag: string, attribute: string, value: string): string[] {
  // A data: script or a javascript: script or frame runs the code in its URL.
  const lower = tag.toLowerCase();
  if (lower === "script" || lower === "iframe" || lower === "frame") {
    const code = codeOfUrl(value, lower === "script");
    if (code !== null) return [...inlineJudge(ctx.plan)(code, false)];
  }
  const candidates = isSrcset(attribute) ? srcsetCandidates(value) : [value];
  for (const candidate of candidates) {
    const refused = refusedUrl(ctx, tag, attribute, candidate);
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

/** The attributes judged on one element, in order: its own, then those judged on any element, then the site's. */
function attributesFor(tag: string, site: readonly string[]): readonly string[] {
  const own = BY_TAG.get(tag) ?? [];
  return [...own, ...ANY_ELEMENT.filter((a) => !own.includes(a)), ...site];
}

/**
 * The URL handler (selectors: urlSelector). Judges each of the element's URL attributes: a
 * refused main resource (`src`, `href`, `data`, their lazy forms) removes the element; anything
 * else loses only the refused part: a srcset its refused candidates, a `poster` or background the
 * attribute, a lazy attribute on an element that loads nothing itself the attribute. An element
 * that stays is then re-pointed, when `repoint` is given.
 */
export function urlHandler(
  ctx: DocumentContext,
  judge: boolean,
  repoint: Repoint | null,
): HTMLRewriterElementContentHandlers {
  const site = judge ? siteUrlAttributes(ctx) : [];
  const lists = new Map<string, readonly string[]>();
  return {
    element(el) {
      if (el.removed || !fetchesFrom(el)) return;
      const tag = el.tagName.toLowerCase();
      const attributes = lists.get(tag) ?? (judge ? attributesFor(tag, site) : []);
      lists.set(tag, attributes);
      if (judgeAttributes(ctx, el, tag, attributes)) return;
      if (repoint && (tag === "script" || tag === "link")) repointElement(ctx, el, tag, repoint);
    },
  };
}

/** Judges `attributes` of `el`; true when the whole element went. */
function judgeAttributes(ctx: DocumentContext, el: Element, tag: string, attributes: readonly string[]): boolean {
  for (const attribute of attributes) {
    const raw = el.getAttribute(attribute);
    if (raw === null) continue;
    const value = decodeAttributeValue(raw);
    const refused = refusedValue(ctx, tag, attribute, value);
    if (!refused.length) continue;
    const wholeElement =
      !PART_ATTRIBUTES.has(attribute) &&
      RESOURCE_ELEMENTS.has(tag) &&
      !(el.namespaceURI === HTML_NS && VOID_IN_BROWSER.has(tag));
    if (wholeElement) {
      if (ctx.mutate) removeElement(el);
      ctx.report(refused, "element", tag);
      return true;
    }
    const rest = isSrcset(attribute) ? keptSrcset(ctx, value) : null;
    if (ctx.mutate) {
      if (rest === null) el.removeAttribute(attribute);
      else el.setAttribute(attribute, attributeText(rest));
    }
    ctx.report(refused, "attribute", tag);
  }
  return false;
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
function repointElement(ctx: DocumentContext, el: Element, tag: string, repoint: Repoint): void {
  const attribute = tag === "script" ? "src" : "href";
  const url = resolveUrl(decodeAttributeValue(el.getAttribute(attribute) ?? ""), ctx.base.url);
  const moved = url && repoint.target(url, tag === "script" ? { nonce: el.getAttribute("nonce") } : null);
  if (!moved) return;
  el.setAttribute(attribute, moved.path);
  if (moved.config) el.before(moved.config, { html: true });
}
