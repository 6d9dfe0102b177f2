/**
 * Selectors lol-html accepts but silently never matches. A vendor selector that never matches
 * leaves the vendor's elements in the page, so the policy check refuses these outright. (Whether
 * lol-html accepts a selector at all is asked of the runtime when the policy is activated:
 * ./selector-check.ts.)
 *
 * Measured against the runtime's HTMLRewriter (docs/SECURITY.md, O2): a combinator inside
 * `:not()` (`p:not(div p)`, `p:not(div > p)`) parses, and then the whole selector matches no
 * element at all. Simple selectors and lists of them inside `:not()` work (`p:not(.a, .b)`).
 */

/** Why lol-html would never match `selector`, or null when nothing is known to be wrong. */
export function silentSelectorProblem(selector: string): string | null {
  for (const { index, char } of structure(selector)) {
    if (char !== "(" || !selector.startsWith(":not", index - 4)) continue;
    const close = closing(selector, index);
    if (close === -1) return null; // Unbalanced: lol-html refuses it itself.
    for (const part of splitTopLevel(selector.slice(index + 1, close))) {
      if (hasCombinator(part.trim())) return `a combinator inside :not(${part.trim()})`;
    }
  }
  return null;
}

/**
 * The characters of `text` that are syntax, outside quoted strings and escapes, each with the
 * number of brackets and parentheses open before it.
 */
function* structure(text: string): Generator<{ index: number; depth: number; char: string }> {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === "\\") {
      index++;
    } else if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else {
      if (char === "]" || char === ")") depth--;
      yield { index, depth, char };
      if (char === "[" || char === "(") depth++;
    }
  }
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closing(text: string, open: number): number {
  let outer: number | undefined;
  for (const { index, depth, char } of structure(text)) {
    if (index === open) outer = depth;
    else if (outer !== undefined && char === ")" && depth === outer) return index;
  }
  return -1;
}

/** `text` split at commas outside brackets, parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const { index, depth, char } of structure(text)) {
    if (depth === 0 && char === ",") {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whitespace, `>`, `+` or `~` between simple selectors (outside brackets and quotes). */
function hasCombinator(compound: string): boolean {
  for (const { depth, char } of structure(compound)) {
    if (depth === 0 && (/\s/.test(char) || char === ">" || char === "+" || char === "~")) return true;
  }
  return false;
}

/**
 * Why a vendor selector may also match the site's own markup, or null: a substring, prefix or
 * suffix match on `class` or `id` (`[class*="widget-"]` takes `<section class="widget-intro">`).
 * A warning, not an error: `classTokens` says "one class token of this shape" exactly.
 */
export function lookAlikeSelectorWarning(selector: string): string | null {
  for (const { index, depth, char } of structure(selector)) {
    if (char !== "[" || depth !== 0) continue;
    const m = /^\[\s*(class|id)\s*([*^$])=/i.exec(selector.slice(index));
    if (m)
      return `[${m[1]?.toLowerCase()}${m[2]}=…] matches any ${m[1]?.toLowerCase()} containing the text, the site's own too`;
  }
  return null;
}
