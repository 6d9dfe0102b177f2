/**
 * HTML fragments inside a page, filtered with the page's own rules: `<noscript>` content (text to
 * lol-html, because the parser runs with scripting on, so filtered as the fragment a browser with
 * scripting off would parse) and iframe `srcdoc` documents. Filtered fragments are cached.
 */
import { refusalKey } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import { decodeAttributeValue } from "./attribute-value";
import type { BaseState, DocumentContext, Removal, RewritePlan } from "./plan";

/** Noscript inside noscript inside ... is filtered this deep, and dropped below. */
const MAX_FRAGMENT_DEPTH = 4;

/**
 * Filters a fragment at a depth, relative URLs resolving against `base`. A cached fragment comes
 * back as a string, so its handler stays synchronous: an async handler costs workerd a promise
 * round trip on every call, cached or not.
 */
export type FragmentFilter = (
  html: string,
  plan: RewritePlan,
  depth: number,
  base?: BaseState,
) => string | Promise<string>;

/**
 * Filters an HTML fragment (noscript content, iframe srcdoc) with the same rules: `run` is the
 * rewriter for the fragment. `base` is the enclosing document's base URL at that point: noscript
 * content and srcdoc documents resolve relative URLs against it.
 */
export function filterFragment(
  html: string,
  plan: RewritePlan,
  depth: number,
  base: BaseState | undefined,
  run: (plan: RewritePlan) => Promise<string>,
): string | Promise<string> {
  if (depth >= MAX_FRAGMENT_DEPTH) return "";
  // The audit and shadow mode watch every element go by, so they always run the rewriter.
  if (plan.observe || plan.dryRun || html.length > FRAGMENT_CACHE_LARGEST) return run(plan);
  const cache = fragmentCacheFor(plan.policy);
  const key = fragmentKey(html, plan, depth, base);
  const entry = cache.get(key);
  if (entry) return useEntry(cache, key, entry, plan);
  const removals: Removal[] = [];
  return run({ ...plan, onRemoved: (removal) => removals.push(removal) }).then((filtered) => {
    if (cache.size >= FRAGMENT_CACHE_ENTRIES && !cache.has(key)) cache.delete(cache.keys().next().value as string);
    return useEntry(cache, key, { html: filtered, removals }, plan);
  });
}

/** Marks an entry most recently used (last, so the oldest is the first to go) and replays its removals. */
function useEntry(cache: FragmentCache, key: string, entry: FragmentEntry, plan: RewritePlan): string {
  cache.delete(key);
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
interface FragmentEntry {
  html: string;
  removals: Removal[];
}
type FragmentCache = Map<string, FragmentEntry>;
const fragmentCaches = new WeakMap<CompiledPolicy, FragmentCache>();
const FRAGMENT_CACHE_ENTRIES = 256;
const FRAGMENT_CACHE_LARGEST = 16 * 1024;

function fragmentCacheFor(policy: CompiledPolicy): FragmentCache {
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

/**
 * iframe srcdoc is a whole document: refused if filtering it would change it. Its fallback base
 * URL is this document's; a <base> inside it may still override that.
 */
export function srcdocHandler(ctx: DocumentContext, filter: FragmentFilter): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      const doc = decodeAttributeValue(el.getAttribute("srcdoc") ?? "");
      const plan = { ...ctx.plan, dryRun: false, observe: undefined };
      const judge = (filtered: string) => {
        if (filtered === doc) return;
        if (ctx.mutate) el.remove();
        ctx.report(["srcdoc"], "element", "iframe");
      };
      const filtered = filter(doc, plan, ctx.depth + 1, { url: ctx.base.url, seen: false });
      return typeof filtered === "string" ? judge(filtered) : filtered.then(judge);
    },
  };
}

/** Noscript content is text to lol-html; filter it as the fragment a browser would parse. */
export function noscriptHandler(ctx: DocumentContext, filter: FragmentFilter): HTMLRewriterElementContentHandlers {
  const { plan } = ctx;
  let noscript: { parts: string[]; size: number } | null = null;
  return {
    element() {
      noscript = { parts: [], size: 0 };
    },
    text(chunk) {
      const n = noscript;
      if (!n) return;
      n.size += chunk.text.length;
      if (n.size <= plan.inlineLimit) n.parts.push(chunk.text);
      if (!chunk.lastInTextNode) {
        if (ctx.mutate) chunk.remove();
        return;
      }
      noscript = null;
      const content = n.parts.join("");
      if (n.size > plan.inlineLimit) {
        if (ctx.mutate) chunk.remove();
        ctx.report(["unchecked"], "oversized", "noscript");
        return;
      }
      const put = (filtered: string) => {
        if (!ctx.mutate) return;
        if (filtered !== content) ctx.report(["noscript"], "noscript", "noscript");
        chunk.replace(filtered, { html: true });
      };
      const filtered = filter(content, plan, ctx.depth + 1, { url: ctx.base.url, seen: ctx.base.seen });
      return typeof filtered === "string" ? put(filtered) : filtered.then(put);
    },
  };
}
