/**
 * Vendor selectors judged by lol-html itself: the runtime's HTMLRewriter is asked to parse each
 * one, so what it refuses is exactly what the worker would refuse. The worker asks at isolate
 * start (./active.ts); `npm run policy:check` asks the same function inside workerd (Miniflare),
 * so a selector the runtime rejects never passes the check. Selectors lol-html accepts but never
 * matches are the pure check in ./selectors.ts.
 */
import type { Diagnostic } from "./diagnostics";
import type { PolicyFiles } from "./load";
import { silentSelectorProblem } from "./selectors";

/** lol-html's own parse error for `selector` ("Dangling combinator in selector."), or null. */
export function lolHtmlSelectorError(selector: string): string | null {
  try {
    new HTMLRewriter().on(selector, {});
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^Parser error:\s*/, "");
  }
}

/** The selectors lol-html rejects. */
export function invalidSelectors(selectors: readonly string[]): string[] {
  return selectors.filter((selector) => lolHtmlSelectorError(selector) !== null);
}

/** The selectors the gate can use: lol-html parses them and they can match. */
export function usableSelectors(selectors: readonly string[]): string[] {
  return selectors.filter((s) => lolHtmlSelectorError(s) === null && silentSelectorProblem(s) === null);
}

/** Advice per class of lol-html parse error, keyed by a word of its message. */
const FIXES: Array<[RegExp, string]> = [
  [
    /pseudo-class or pseudo-element/i,
    "select the element itself: lol-html has no pseudo-elements (div::before) and of the pseudo-classes only :first-child, :nth-child(), :first-of-type, :nth-of-type() and :not(); e.g. div instead of div::before",
  ],
  [
    /dangling combinator/i,
    "finish or drop the combinator: name the element it leads to (#hj-widget > iframe) or select the container itself (#hj-widget)",
  ],
  [
    /empty/i,
    'write a selector: nothing, a stray comma, a leading combinator or an id that starts with a digit selects nothing here; e.g. #chat-widget, .feed, iframe[src*="vendor.example"]',
  ],
  [
    /unexpected end/i,
    'close what is open: an attribute selector is [attr], [attr=value] or [attr*="value"], and a class needs a name (.feed)',
  ],
  [/class name/i, 'write one dot and a class name (.feed); escape other characters, or use [class~="…"]'],
  [/namespace/i, "drop the namespace prefix: svg|rect becomes rect"],
  [
    /unexpected token/i,
    "use only CSS selector syntax lol-html supports: tag, #id, .class, [attr], [attr=value], [attr*=value], descendant ( ), child (>), sibling (+, ~) and lists (a, b)",
  ],
];

function fixFor(error: string): string {
  return (
    FIXES.find(([pattern]) => pattern.test(error))?.[1] ??
    "use tag, #id, .class, [attr], [attr=value], [attr*=value] and descendant/child combinators"
  );
}

/** One vendor file's selectors as written: any array, validated or not. */
export interface VendorSelectors {
  file: string;
  selectors: readonly unknown[];
}

/** The `selectors` of every vendor file that has a list of them, whether or not the rest validates. */
export function vendorSelectorLists(files: PolicyFiles): VendorSelectors[] {
  return Object.entries(files)
    .filter(([file]) => file.startsWith("policies/vendors/"))
    .flatMap(([file, data]) => {
      const selectors = (data as { selectors?: unknown } | null)?.selectors;
      return Array.isArray(selectors) ? [{ file, selectors }] : [];
    });
}

/** The selectors lol-html rejects, as diagnostics naming lol-html's own reason and a fix. */
export function selectorDiagnostics(vendors: readonly VendorSelectors[]): Diagnostic[] {
  return vendors.flatMap(({ file, selectors }) =>
    selectors.flatMap((selector, i) => {
      if (typeof selector !== "string") return [];
      const error = lolHtmlSelectorError(selector);
      if (error === null) return [];
      return [
        {
          file,
          path: `selectors[${i}]`,
          expected: "a CSS selector lol-html supports",
          received: `${JSON.stringify(selector)} (lol-html: ${error})`,
          fix: fixFor(error),
        },
      ];
    }),
  );
}
