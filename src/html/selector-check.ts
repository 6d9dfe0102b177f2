/**
 * Selectors lol-html accepts but silently never matches. A vendor selector that never matches
 * leaves the vendor's elements in the page, so the policy check refuses these outright.
 *
 * Measured against the runtime's HTMLRewriter (docs/SECURITY.md, O2): a combinator inside
 * `:not()` (`p:not(div p)`, `p:not(div > p)`) parses, and then the whole selector matches no
 * element at all. Simple selectors and lists of them inside `:not()` work (`p:not(.a, .b)`).
 */

/** Why lol-html would never match `selector`, or null when nothing is known to be wrong. */
export function silentSelectorProblem(selector: string): string | null {
  let from = 0;
  for (;;) {
    const at = selector.indexOf(":not(", from);
    if (at === -1) return null;
    const open = at + ":not(".length;
    const close = closingParen(selector, open);
    if (close === -1) return null; // Unbalanced: lol-html refuses it itself.
    for (const part of splitTopLevel(selector.slice(open, close), ",")) {
      if (hasCombinator(part.trim())) return `a combinator inside :not(${part.trim()})`;
    }
    from = close + 1;
  }
}

/** Index of the `)` closing a parenthesis opened before `start`, skipping brackets and quotes. */
function closingParen(text: string, start: number): number {
  let depth = 1;
  let bracket = false;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[") bracket = true;
    else if (c === "]") bracket = false;
    else if (!bracket && c === "(") depth++;
    else if (!bracket && c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** `text` split at `separator` where it is outside brackets, parentheses and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whitespace, `>`, `+` or `~` between simple selectors (outside brackets and quotes). */
function hasCombinator(compound: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < compound.length; i++) {
    const c = compound[i] as string;
    if (c === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") depth--;
    else if (depth === 0 && (/\s/.test(c) || c === ">" || c === "+" || c === "~")) return true;
  }
  return false;
}
