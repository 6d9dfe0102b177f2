/**
 * Takes a refused vendor's loads out of CSS, and nothing else: an `@import` rule, or the one
 * declaration whose `url()` (or `image-set()` string, or `@font-face` `src`) names a refused
 * URL, so the rest of the styles keep working. CSS is read with a maintained tokenizer
 * (@csstools/css-tokenizer, CSS Syntax Level 3), never with a regular expression; positions come
 * from its tokens, so every byte not removed stays as written. Pure.
 * https://www.w3.org/TR/css-syntax-3/#tokenization
 */
import {
  type CSSToken,
  isTokenFunction,
  isTokenString,
  isTokenURL,
  TokenType,
  tokenize,
} from "@csstools/css-tokenizer";

/** A URL the CSS makes the browser fetch, with where it sits. */
interface Reference {
  url: string;
  /** Index of the token in the list. */
  at: number;
}

export interface CssFilterResult {
  css: string;
  /** Refused vendor ids, one entry per removed rule or declaration. */
  refused: string[];
}

/** Functions whose string arguments are image URLs. */
const IMAGE_SET = new Set(["image-set", "-webkit-image-set"]);

/**
 * `css` without the rules and declarations that load a URL `judge` refuses (it returns the
 * refusing vendors' ids). `declarations`: `css` is a declaration list (a `style` attribute),
 * not a style sheet.
 */
export function filterCss(css: string, judge: (url: string) => string[], declarations = false): CssFilterResult {
  const tokens = tokenize({ css });
  const cuts: Array<[number, number]> = [];
  const refused: string[] = [];
  for (const ref of references(tokens)) {
    const ids = judge(ref.url);
    if (!ids.length) continue;
    const [from, to] = unitAround(tokens, ref.at, declarations);
    const start = tokens[from]?.[2] ?? 0;
    const end = (tokens[to]?.[3] ?? css.length - 1) + 1;
    if (cuts.some(([s, e]) => start >= s && end <= e)) continue;
    cuts.push([start, end]);
    refused.push(...ids);
  }
  if (!cuts.length) return { css, refused };
  cuts.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of cuts) {
    if (start < at) {
      at = Math.max(at, end);
      continue;
    }
    out += css.slice(at, start);
    at = end;
  }
  return { css: out + css.slice(at), refused };
}

/** Every URL the tokens load: url(x), url("x"), src("x"), @import "x", image-set("x" 1x). */
function references(tokens: CSSToken[]): Reference[] {
  const out: Reference[] = [];
  const functions: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as CSSToken;
    if (isTokenURL(token)) out.push({ url: token[4].value, at: i });
    else if (isTokenFunction(token)) {
      const name = token[4].value.toLowerCase();
      functions.push(name);
      if (name === "url" || name === "src") {
        const arg = nextSignificant(tokens, i + 1);
        const value = tokens[arg];
        if (value && isTokenString(value)) out.push({ url: value[4].value, at: i });
      }
    } else if (token[0] === TokenType.OpenParen) functions.push("");
    else if (token[0] === TokenType.CloseParen) functions.pop();
    else if (isTokenString(token) && IMAGE_SET.has(functions[functions.length - 1] ?? ""))
      out.push({ url: token[4].value, at: i });
    else if (token[0] === TokenType.AtKeyword && token[4].value.toLowerCase() === "import") {
      const arg = tokens[nextSignificant(tokens, i + 1)];
      if (arg && isTokenString(arg)) out.push({ url: arg[4].value, at: i });
    }
  }
  return out;
}

function nextSignificant(tokens: CSSToken[], from: number): number {
  let i = from;
  while (i < tokens.length && (tokens[i]?.[0] === TokenType.Whitespace || tokens[i]?.[0] === TokenType.Comment)) i++;
  return i;
}

const OPEN = new Set<string>([TokenType.OpenCurly, TokenType.OpenParen, TokenType.OpenSquare, TokenType.Function]);
const CLOSE = new Set<string>([TokenType.CloseCurly, TokenType.CloseParen, TokenType.CloseSquare]);

/**
 * The token range of the innermost statement around token `at`: the declaration it is part of
 * (up to and with its `;`), or, at the top of a style sheet, the whole rule (an `@import` up to
 * its `;`, a rule with its block). Walks out from `at` over balanced brackets.
 */
function unitAround(tokens: CSSToken[], at: number, declarations: boolean): [number, number] {
  // Backwards to the `{`, `;` or `}` that starts the statement at this nesting level; out of
  // any function or bracket the reference sits in.
  let depth = 0;
  let from = at;
  let top = true;
  /** Functions and brackets around the reference, opened within the statement. */
  let inside = 0;
  for (let i = at - 1; i >= 0; i--) {
    const type = tokens[i]?.[0] as string;
    if (depth === 0 && (type === TokenType.Semicolon || type === TokenType.CloseCurly)) break;
    if (depth === 0 && type === TokenType.OpenCurly) {
      top = false;
      break;
    }
    if (CLOSE.has(type)) depth++;
    else if (OPEN.has(type)) {
      if (depth > 0) depth--;
      else inside++;
    }
    from = i;
  }
  const skippable = (i: number) => tokens[i]?.[0] === TokenType.Whitespace || tokens[i]?.[0] === TokenType.Comment;
  while (from < at && skippable(from)) from++;
  // Forwards to the `;` that ends it (kept with it), or the `}` that ends its block (not).
  depth = inside;
  let to = at;
  for (let i = at; i < tokens.length; i++) {
    const type = tokens[i]?.[0] as string;
    if (type === TokenType.EOF) break;
    if (OPEN.has(type)) depth++;
    else if (CLOSE.has(type)) {
      if (depth === 0) break;
      depth--;
      to = i;
      // A rule at the top of a sheet ends with its block.
      if (depth === 0 && type === TokenType.CloseCurly && top && !declarations) break;
      continue;
    } else if (depth === 0 && type === TokenType.Semicolon) {
      to = i;
      break;
    }
    to = i;
  }
  return [from, to];
}
