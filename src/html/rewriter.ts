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
import type { Decision } from "../consent/decide";
import type { CompiledPolicy } from "../policy/compile";
import { decodeAttributeValue } from "./attribute-value";
import { matchInline } from "./inline-match";
import { refusedBy } from "./refusal";
import { srcsetCandidates } from "./srcset";
import { resolveUrl } from "./url-match";

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
}

/** Attributes holding URLs the browser fetches on its own, per element. */
const URL_ATTRIBUTES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["script", ["src"]],
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
  ["image", ["href", "xlink:href"]],
  ["use", ["href", "xlink:href"]],
  ["[background]", ["background"]],
];
const SRCSET = new Set(["srcset", "imagesrcset"]);
/** Noscript inside noscript inside ... is filtered this deep, and dropped below. */
const MAX_FRAGMENT_DEPTH = 4;

/** True when there is anything to remove; otherwise the page streams through untouched. */
export function needsRewrite(plan: Pick<RewritePlan, "policy" | "decision">): boolean {
  return plan.policy.failsafe || plan.decision.refused.some(Boolean);
}

export function rewriteHtml(response: Response, plan: RewritePlan): Response {
  return buildRewriter(plan, 0).transform(response);
}

/** Filters an HTML fragment (noscript content, iframe srcdoc) with the same rules. */
export async function filterFragment(html: string, plan: RewritePlan, depth: number): Promise<string> {
  if (depth >= MAX_FRAGMENT_DEPTH) return "";
  return buildRewriter(plan, depth).transform(new Response(html)).text();
}

/** Refused vendor ids for one raw attribute value. */
function refusedValue(plan: RewritePlan, base: URL, attribute: string, raw: string): string[] {
  const value = decodeAttributeValue(raw);
  const candidates = SRCSET.has(attribute) ? srcsetCandidates(value) : [value];
  for (const candidate of candidates) {
    const url = resolveUrl(candidate, base);
    const refused = url ? refusedBy(plan.policy, plan.decision, url, plan.pageUrl) : [];
    if (refused.length) return refused;
  }
  return [];
}

function buildRewriter(plan: RewritePlan, depth: number): HTMLRewriter {
  const { policy, decision } = plan;
  const report = (vendors: readonly string[], kind: RemovalKind, tag: string) => {
    for (const vendor of vendors) plan.onRemoved?.({ vendor, kind, tag });
  };
  let base = plan.pageUrl;
  let baseSeen = false;
  const rewriter = new HTMLRewriter();

  // The first <base href> changes how every later relative URL resolves.
  rewriter.on("base[href]", {
    element(el) {
      if (baseSeen) return;
      baseSeen = true;
      const url = resolveUrl(decodeAttributeValue(el.getAttribute("href") ?? ""), plan.pageUrl);
      if (url) base = url;
    },
  });

  for (const [selector, attributes] of URL_ATTRIBUTES) {
    rewriter.on(selector, {
      element(el) {
        for (const attribute of attributes) {
          const raw = el.getAttribute(attribute);
          if (raw === null) continue;
          const refused = refusedValue(plan, base, attribute, raw);
          if (refused.length) {
            el.remove();
            report(refused, "element", el.tagName);
            return;
          }
        }
      },
    });
  }

  // <a ping> and <area ping> send a request to every listed URL when followed.
  rewriter.on("[ping]", {
    element(el) {
      const raw = el.getAttribute("ping") ?? "";
      const refused = decodeAttributeValue(raw)
        .split(/\s+/)
        .flatMap((u) => (u ? refusedValue(plan, base, "ping", u) : []));
      if (refused.length) {
        el.removeAttribute("ping");
        report(refused, "attribute", el.tagName);
      }
    },
  });

  // iframe srcdoc is a whole document: refused if filtering it would change it.
  rewriter.on("iframe[srcdoc]", {
    async element(el) {
      const doc = decodeAttributeValue(el.getAttribute("srcdoc") ?? "");
      if ((await filterFragment(doc, plan, depth + 1)) !== doc) {
        el.remove();
        report(["srcdoc"], "element", "iframe");
      }
    },
  });

  for (const { selector, vendor } of policy.selectors) {
    if (!decision.refused[vendor]) continue;
    const id = policy.vendors[vendor]?.id ?? "unknown";
    rewriter.on(selector, {
      element(el) {
        el.remove();
        report([id], "element", el.tagName);
      },
    });
  }

  // Inline scripts: hold the text back, then write it back or drop it.
  let held: { parts: string[]; size: number; overflow: boolean } | null = null;
  rewriter.on("script", {
    element(el) {
      held = el.hasAttribute("src") ? null : { parts: [], size: 0, overflow: false };
    },
    text(chunk) {
      const h = held;
      if (!h) return;
      if (!h.overflow) {
        h.parts.push(chunk.text);
        h.size += chunk.text.length;
        if (h.size > plan.inlineLimit) {
          h.overflow = true;
          h.parts = [];
        }
      }
      if (!chunk.lastInTextNode) {
        chunk.remove();
        return;
      }
      held = null;
      if (h.overflow) {
        chunk.remove();
        report(["unchecked"], "oversized", "script");
        return;
      }
      const content = h.parts.join("");
      const refused = matchInline(policy.inline, content).filter((v) => decision.refused[v]);
      if (refused.length) {
        chunk.remove();
        report(
          refused.map((v) => policy.vendors[v]?.id ?? "unknown"),
          "inline",
          "script",
        );
      } else {
        chunk.replace(content, { html: true });
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
        chunk.remove();
        return;
      }
      noscript = null;
      const content = n.parts.join("");
      if (n.size > plan.inlineLimit) {
        chunk.remove();
        report(["unchecked"], "oversized", "noscript");
        return;
      }
      const filtered = await filterFragment(content, plan, depth + 1);
      if (filtered !== content) report(["noscript"], "noscript", "noscript");
      chunk.replace(filtered, { html: true });
    },
  });

  return rewriter;
}

/** Selectors lol-html rejects; checked once at isolate start so no request meets them. */
export function invalidSelectors(selectors: readonly string[]): string[] {
  return selectors.filter((selector) => {
    try {
      new HTMLRewriter().on(selector, {});
      return false;
    } catch {
      return true;
    }
  });
}
