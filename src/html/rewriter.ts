/**
 * The only module that touches HTMLRewriter (lol-html). It removes, as the page streams, every
 * element that would make the browser contact a vendor whose purpose the decision refused.
 *
 * lol-html facts this relies on:
 * - attribute values arrive raw, with character references encoded (decodeAttributeValue);
 * - inline script text arrives in chunks; it is held back until `lastInTextNode` and then
 *   either written back unchanged or dropped. That text is the only thing ever buffered;
 * - `<noscript>` content arrives as text, because the parser runs with scripting on. It is
 *   filtered by running this same rewriter over it as a fragment, so what a browser with
 *   scripting off would parse is filtered by the same rules;
 * - a handler that throws errors the stream, truncating the page. That fails closed, and
 *   nothing here catches it to carry on.
 * A refused inline script keeps its `<script ...>` tags and loses its text: the start tag has
 * already streamed out by the time its content can be judged, and an empty script does nothing.
 */
import { hasRepoint, repointFor } from "../beacon/repoint";
import { type Decision, refusalKey } from "../consent/decide";
import { explainInline } from "../match/inline";
import { hostNamed, resolveUrl } from "../match/url";
import type { CompiledPolicy } from "../policy/compile";
import { decodeAttributeValue } from "./attribute-value";
import { type Injections, registerInjections } from "./injections";
import type { Observation } from "./observation";
import { judgeUrl } from "./refusal";
import { srcsetCandidates } from "./srcset";

/** Raw values that may leave the page's host: a scheme, a character reference, "//", "\\", or tab/LF/CR (the URL parser deletes them). */
const SUSPECT = ['*=":"', '*="&"', '*="//"', '*="\\\\"', '*="\\9 "', '*="\\a "', '*="\\d "'];

export type RemovalKind = "element" | "inline" | "noscript" | "attribute" | "oversized";

export interface Removal {
  /** Vendor id, or "third-party" when the failsafe removed an unclassified URL. */
  vendor: string;
  kind: RemovalKind;
  tag: string;
}

export interface RewritePlan {
  policy: CompiledPolicy;
  decision: Decision;
  pageUrl: URL;
  /** Largest inline script or noscript held back; larger ones are dropped (fail closed). */
  inlineLimit: number;
  onRemoved?: (removal: Removal) => void;
  /** The gatekeeper's own elements for this page (top level only, never into fragments). */
  injections?: Injections;
  /** Told about every vendor element and third-party URL met, removed or not (audit, logs). */
  observe?: (observation: Observation) => void;
  /**
   * Shadow mode: judge everything, report it through onRemoved and observe, change nothing.
   * The page streams through byte for byte.
   */
  dryRun?: boolean;
  /** Called once when the whole document has streamed through (logs count removals here). */
  onEnd?: () => void;
}

/** Attributes holding URLs the browser fetches on its own, per element. */
const URL_ATTRIBUTES: ReadonlyArray<readonly [string, readonly string[]]> = [
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
const HTML_NS = "http://www.w3.org/1999/xhtml";
/** https://html.spec.whatwg.org/multipage/syntax.html#void-elements */
const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
/** Noscript inside noscript inside ... is filtered this deep, and dropped below. */
const MAX_FRAGMENT_DEPTH = 4;

/**
 * True when there is anything to remove, or an allowed vendor tag to re-point to its first-party
 * path (src/beacon/repoint.ts); otherwise the page streams through untouched.
 */
export function needsRewrite(plan: Pick<RewritePlan, "policy" | "decision">): boolean {
  return plan.policy.failsafe || plan.decision.refused.some(Boolean) || hasRepoint(plan.policy, plan.decision);
}

export function rewriteHtml(response: Response, plan: RewritePlan): Response {
  return buildRewriter(plan, 0).transform(response);
}

/** The base URL relative URLs resolve against, and whether a `<base href>` already set it. */
interface BaseState {
  url: URL;
  seen: boolean;
}

/**
 * Filters an HTML fragment (noscript content, iframe srcdoc) with the same rules. `base` is the
 * enclosing document's base URL at that point: noscript content and srcdoc documents resolve
 * relative URLs against it.
 */
export async function filterFragment(
  html: string,
  plan: RewritePlan,
  depth: number,
  base?: BaseState,
): Promise<string> {
  if (depth >= MAX_FRAGMENT_DEPTH) return "";
  const run = (p: RewritePlan) => buildRewriter(p, depth, base).transform(new Response(html)).text();
  // The audit and shadow mode watch every element go by, so they always run the rewriter.
  if (plan.observe || plan.dryRun || html.length > FRAGMENT_CACHE_LARGEST) return run(plan);
  const cache = fragmentCacheFor(plan.policy);
  const key = fragmentKey(html, plan, depth, base);
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key);
  } else {
    const removals: Removal[] = [];
    entry = { html: await run({ ...plan, onRemoved: (removal) => removals.push(removal) }), removals };
    if (cache.size >= FRAGMENT_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  // Most recently used last, so the oldest entry is the first to go.
  cache.set(key, entry);
  for (const removal of entry.removals) plan.onRemoved?.(removal);
  return entry.html;
}

/**
 * Filtered fragments, per compiled policy. A site's noscript blocks (GTM's iframe, pixels) are
 * the same on every page, and building a rewriter for each costs more than the rest of a page
 * (docs/BENCHMARKS.md), so the result of this pure function is kept: bounded in entries and in
 * size, least recently used out first, gone with the isolate or a new policy.
 */
const fragmentCaches = new WeakMap<CompiledPolicy, Map<string, { html: string; removals: Removal[] }>>();
const FRAGMENT_CACHE_ENTRIES = 256;
const FRAGMENT_CACHE_LARGEST = 16 * 1024;

function fragmentCacheFor(policy: CompiledPolicy): Map<string, { html: string; removals: Removal[] }> {
  let cache = fragmentCaches.get(policy);
  if (!cache) {
    cache = new Map();
    fragmentCaches.set(policy, cache);
  }
  return cache;
}

/** Everything a fragment's filtering reads besides the policy: the decision's refusals, where it sits, and its text. */
function fragmentKey(html: string, plan: RewritePlan, depth: number, base?: BaseState): string {
  return JSON.stringify([
    depth,
    refusalKey(plan.decision),
    plan.pageUrl.hostname,
    base?.url.href ?? plan.pageUrl.href,
    base?.seen ?? false,
    plan.inlineLimit,
    html,
  ]);
}

/** Refused vendor ids for one raw attribute value; observes every vendor or third-party URL in it. */
function refusedValue(
  plan: RewritePlan,
  base: URL,
  tag: string,
  attribute: string,
  raw: string,
  fetches = true,
): string[] {
  const value = decodeAttributeValue(raw);
  const candidates = SRCSET.has(attribute) ? srcsetCandidates(value) : [value];
  for (const candidate of candidates) {
    const url = resolveUrl(candidate, base);
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

function buildRewriter(plan: RewritePlan, depth: number, inherited?: BaseState): HTMLRewriter {
  const { policy, decision } = plan;
  const removed = new Set<string>();
  const report = (vendors: readonly string[], kind: RemovalKind, tag: string) => {
    for (const vendor of vendors) {
      removed.add(vendor);
      plan.onRemoved?.({ vendor, kind, tag });
    }
  };
  const mutate = !plan.dryRun;
  let base = inherited?.url ?? plan.pageUrl;
  let baseSeen = inherited?.seen ?? false;
  const rewriter = new HTMLRewriter();
  // With nothing refused only injections and re-pointing have work, unless someone is watching
  // (the audit and shadow mode observe every vendor element, kept or not).
  const anyRefused = policy.failsafe || decision.refused.some(Boolean) || plan.observe !== undefined;
  const narrow = !policy.failsafe && !hostNamed(policy.urls, base.hostname);
  const suspect = (selector: string, attributes: readonly string[]) =>
    narrow
      ? attributes
          .flatMap((a) =>
            SUSPECT.map((x) => `${selector.startsWith("[") ? "" : selector}[${a.replace(":", "\\:")}${x}]`),
          )
          .join(", ")
      : selector;

  // The first <base href> changes how every later relative URL resolves.
  rewriter.on("base[href]", {
    element(el) {
      if (baseSeen) return;
      const url = resolveUrl(decodeAttributeValue(el.getAttribute("href") ?? ""), base);
      if (url && narrow && anyRefused && hostNamed(policy.urls, url.hostname)) {
        el.remove();
        report(["base"], "element", "base");
        return;
      }
      baseSeen = true;
      if (url) base = url;
    },
  });

  const COMMON = new Set(["img", "link", "script", "iframe", "source", "input"]);
  const prefilter = (selector: string, attributes: readonly string[]) => {
    if (!narrow) return selector;
    if (selector === "[background]") return selector;
    if (selector === "script") return `${suspect("script", ["src"])}, svg script`;
    return COMMON.has(selector) ? suspect(selector, attributes) : selector;
  };
  for (const [selector, attributes] of anyRefused ? URL_ATTRIBUTES : []) {
    rewriter.on(prefilter(selector, attributes), {
      element(el) {
        for (const attribute of attributes) {
          const raw = el.getAttribute(attribute);
          if (raw === null) continue;
          const refused = refusedValue(plan, base, el.tagName, attribute, raw, fetchesFrom(el));
          if (!refused.length) continue;
          // A <body> or <table> loses the image, not its content.
          if (attribute === "background" || (el.namespaceURI === HTML_NS && VOID_IN_BROWSER.has(el.tagName))) {
            if (mutate) el.removeAttribute(attribute);
            report(refused, "attribute", el.tagName);
            continue;
          }
          if (mutate) {
            el.remove();
            keepAncestorEndTag(el);
          }
          report(refused, "element", el.tagName);
          return;
        }
      },
    });
  }

  // First-party tags (src/beacon/repoint.ts): an allowed vendor tag that the policy serves from
  // /__gk/ is re-pointed there, with its data-gatekeeper config inserted before its first script.
  // Top level only: scripts in noscript content never run, and a srcdoc is judged by whether
  // filtering changes it, which re-pointing would.
  const repoint = depth === 0 && mutate ? repointFor(policy, decision, plan.pageUrl) : null;
  if (repoint) {
    rewriter.on(narrow ? `${suspect("script", ["src"])}, ${suspect("link", ["href"])}` : "script[src], link[href]", {
      element(el) {
        if (el.removed) return;
        const attribute = el.tagName === "script" ? "src" : "href";
        const url = resolveUrl(decodeAttributeValue(el.getAttribute(attribute) ?? ""), base);
        const moved = url && repoint.target(url, el.tagName === "script" ? { nonce: el.getAttribute("nonce") } : null);
        if (!moved) return;
        el.setAttribute(attribute, moved.path);
        if (moved.config) el.before(moved.config, { html: true });
      },
    });
  }

  if (!anyRefused) {
    if (depth === 0 && plan.injections) registerInjections(rewriter, plan.injections, removed);
    return rewriter;
  }
  // <a ping> and <area ping> send a request to every listed URL when followed.
  rewriter.on("[ping]", {
    element(el) {
      const raw = el.getAttribute("ping") ?? "";
      const refused = decodeAttributeValue(raw)
        .split(/\s+/)
        .flatMap((u) => (u ? refusedValue(plan, base, el.tagName, "ping", u) : []));
      if (refused.length) {
        if (mutate) el.removeAttribute("ping");
        report(refused, "attribute", el.tagName);
      }
    },
  });

  // iframe srcdoc is a whole document: refused if filtering it would change it. Its fallback base
  // URL is this document's; a <base> inside it may still override that.
  rewriter.on("iframe[srcdoc]", {
    async element(el) {
      const doc = decodeAttributeValue(el.getAttribute("srcdoc") ?? "");
      if (
        (await filterFragment(doc, { ...plan, dryRun: false, observe: undefined }, depth + 1, {
          url: base,
          seen: false,
        })) !== doc
      ) {
        if (mutate) el.remove();
        report(["srcdoc"], "element", "iframe");
      }
    },
  });

  for (const { selector, vendor } of policy.selectors) {
    if (!decision.refused[vendor]) continue;
    const id = policy.vendors[vendor]?.id ?? "unknown";
    const placeholder = depth === 0 ? plan.injections?.replacements?.get(vendor) : undefined;
    rewriter.on(selector, {
      element(el) {
        plan.observe?.({
          tag: el.tagName.toLowerCase(),
          via: "selector",
          target: selector,
          vendors: [id],
          rule: `selector:${selector}`,
          removed: true,
        });
        if (mutate) {
          if (placeholder) el.replace(placeholder, { html: true });
          else el.remove();
          keepAncestorEndTag(el);
        }
        report([id], "element", el.tagName);
      },
    });
  }

  // Inline scripts: hold the text back, then write it back or drop it. An HTML script's text is
  // one raw text node. An SVG script's text is parsed as markup: character references are
  // decoded, CDATA sections split it into several text nodes and the browser runs all of them
  // joined. Each of its text nodes is judged together with the text already let through, and
  // once one is refused, or a child element (which may split a snippet) appears, the rest of the
  // script is dropped.
  let held: {
    parts: string[];
    size: number;
    overflow: boolean;
    foreign: boolean;
    passed: string;
    cut: boolean;
    /** An HTML script with src met as "svg script": its text is not judged. */
    ignore?: boolean;
  } | null = null;
  // Children of an SVG script (HTML scripts have none): registered first, so that a script
  // nested in one is known to be removed before the handler below sees it.
  let nested = false;
  rewriter.on("script *", {
    element(el) {
      if (!held?.foreign) return;
      held.cut = true;
      nested = el.tagName === "script";
      if (mutate) {
        el.remove();
        keepAncestorEndTag(el);
      }
      report(["unchecked"], "inline", "script");
    },
  });
  // Only SVG scripts need their start tag seen: an HTML script's state starts with its first
  // text chunk and ends with its last, which spares a JS call per inline script (each call from
  // lol-html into JS costs more than matching a selector natively; docs/BENCHMARKS.md).
  rewriter.on("svg script", {
    element(el) {
      if (nested) {
        nested = false;
        return;
      }
      if (el.namespaceURI === HTML_NS) {
        // An HTML script in <foreignObject>: with src, its text never runs and is left alone.
        if (el.hasAttribute("src")) {
          const ignored = { parts: [], size: 0, overflow: false, foreign: false, passed: "", cut: false, ignore: true };
          held = ignored;
          el.onEndTag(() => {
            if (held === ignored) held = null;
          });
        }
        return;
      }
      held = { parts: [], size: 0, overflow: false, foreign: true, passed: "", cut: false };
      try {
        el.onEndTag(() => {
          held = null;
        });
      } catch {
        // Self-closing: no text follows.
        held = null;
      }
    },
  });
  rewriter.on("script:not([src]), svg script", {
    text(chunk) {
      // An HTML script without src (an SVG script's state was set up by its start tag).
      held ??= { parts: [], size: 0, overflow: false, foreign: false, passed: "", cut: false };
      const h = held;
      if (h.ignore) {
        if (chunk.lastInTextNode) held = null;
        return;
      }
      if (h.cut) {
        if (mutate) chunk.remove();
        return;
      }
      if (!h.overflow) {
        h.parts.push(chunk.text);
        h.size += chunk.text.length;
        if (h.size > plan.inlineLimit) {
          h.overflow = true;
          h.parts = [];
        }
      }
      if (!chunk.lastInTextNode) {
        if (mutate) chunk.remove();
        return;
      }
      if (h.foreign) h.cut = h.overflow;
      else held = null;
      if (h.overflow) {
        if (mutate) chunk.remove();
        report(["unchecked"], "oversized", "script");
        return;
      }
      const content = h.parts.join("");
      h.parts = [];
      const text = h.passed + content;
      const found = h.foreign
        ? [...explainInline(policy.inline, text), ...explainInline(policy.inline, decodeAttributeValue(text))]
        : explainInline(policy.inline, text);
      const refused = [...new Set(found.map((f) => f.vendor))].filter((v) => decision.refused[v]);
      // One observation per script, naming every vendor its text matched.
      if (found.length)
        plan.observe?.({
          tag: "script",
          via: "inline",
          target: found[0]?.snippet ?? "",
          vendors: [...new Set(found.map((f) => policy.vendors[f.vendor]?.id ?? "unknown"))],
          rule: [...new Set(found.map((f) => `inline:${f.snippet}`))].join(" "),
          removed: refused.length > 0,
        });
      if (refused.length) {
        if (mutate) chunk.remove();
        h.cut = true;
        report(
          refused.map((v) => policy.vendors[v]?.id ?? "unknown"),
          "inline",
          "script",
        );
      } else {
        h.passed = text;
        if (mutate) chunk.replace(content, { html: true });
      }
    },
  });
  // Noscript content is text to lol-html; filter it as the fragment a browser would parse.
  let noscript: { parts: string[]; size: number } | null = null;
  rewriter.on("noscript", {
    element() {
      noscript = { parts: [], size: 0 };
    },
    async text(chunk) {
      const n = noscript;
      if (!n) return;
      n.size += chunk.text.length;
      if (n.size <= plan.inlineLimit) n.parts.push(chunk.text);
      if (!chunk.lastInTextNode) {
        if (mutate) chunk.remove();
        return;
      }
      noscript = null;
      const content = n.parts.join("");
      if (n.size > plan.inlineLimit) {
        if (mutate) chunk.remove();
        report(["unchecked"], "oversized", "noscript");
        return;
      }
      const filtered = await filterFragment(content, plan, depth + 1, { url: base, seen: baseSeen });
      if (!mutate) return;
      if (filtered !== content) report(["noscript"], "noscript", "noscript");
      chunk.replace(filtered, { html: true });
    },
  });

  if (depth === 0 && plan.injections) registerInjections(rewriter, plan.injections, removed);
  const onEnd = plan.onEnd;
  if (depth === 0 && onEnd) rewriter.onDocument({ end: () => onEnd() });
  return rewriter;
}

/**
 * lol-html hands an element left open the end tag of the ancestor that closes it
 * (`<section><div class="x"></section>`), so removing the element would remove that tag too,
 * changing the page around it. Put it back.
 */
function keepAncestorEndTag(el: Element): void {
  const name = el.tagName.toLowerCase();
  // lol-html throws for these (no end tag to wait for); asking anyway costs a thrown exception.
  if (el.namespaceURI === HTML_NS && VOID_ELEMENTS.has(name)) return;
  try {
    el.onEndTag((end) => {
      if (end.name.toLowerCase() !== name) end.after(`</${end.name}>`, { html: true });
    });
  } catch {
    // Void or self-closing: no end tag.
  }
}
