/**
 * Where the gatekeeper's own elements go into a page, as HTMLRewriter handlers registered by the
 * rewriter (src/html/rewriter.ts). Everything injected is markup rendered elsewhere from the
 * policy, and every injected element carries `data-gatekeeper`.
 */
export interface Injections {
  /** Before any script: first thing in <head>, or before the first <script> when there is no head. */
  headStart?: string;
  /** First thing in <body>: styles and the banner. */
  bodyStart?: string;
  /** Last thing in <body>: the footer link. */
  bodyEnd?: string;
  /** Stands in for an element of a refused vendor's `selectors`, keyed by vendor index. */
  replacements?: ReadonlyMap<number, string>;
  /** Added before </body> when a tag of this vendor (by id) was removed, e.g. the chat button. */
  afterRemoval?: ReadonlyMap<string, string>;
}

/** The injections' handlers; `onEnd` is called at the end of the document, after the footer went in. */
export function registerInjections(
  rewriter: HTMLRewriter,
  injections: Injections,
  removed: ReadonlySet<string>,
  onEnd?: () => void,
): void {
  const { headStart, bodyStart, bodyEnd, afterRemoval } = injections;
  let headDone = !headStart;
  let bodySeen = false;
  let bodyEndDone = false;
  const tail = () => {
    bodyEndDone = true;
    const extra = [...(afterRemoval ?? [])].filter(([vendor]) => removed.has(vendor)).map(([, html]) => html);
    return extra.join("") + (bodyEnd ?? "");
  };
  if (headStart) {
    rewriter.on("head", {
      element(el) {
        if (headDone) return;
        headDone = true;
        el.prepend(headStart, { html: true });
      },
    });
    // The first script of a document is the first script among its siblings, whatever its
    // parent: matching only those spares a JS call for every other script (docs/BENCHMARKS.md).
    rewriter.on("script:first-of-type", {
      element(el) {
        if (headDone) return;
        headDone = true;
        el.before(headStart, { html: true });
      },
    });
  }
  rewriter.on("body", {
    element(el) {
      if (bodySeen) return;
      bodySeen = true;
      if (bodyStart) el.prepend(bodyStart, { html: true });
      el.onEndTag((end) => {
        if (!bodyEndDone) end.before(tail(), { html: true });
      });
    },
  });
  // A page whose </body> is missing still gets its footer, once its <body> was seen. The page's
  // own end (onEnd) is told in the same call: each handler is a call from lol-html.
  rewriter.onDocument({
    end(end) {
      if (bodySeen && !bodyEndDone) end.append(tail(), { html: true });
      onEnd?.();
    },
  });
}
