/**
 * Where things sit in a script's text: code, comments, or string and template literals (with
 * their content unescaped, as the running script sees it). Tokenized by js-tokens
 * (https://github.com/lydell/js-tokens), a maintained tokenizer that follows ECMAScript's lexical
 * grammar and never throws; nothing here reads JavaScript with a pattern of its own.
 */
import jsTokens from "js-tokens";

export type Place = "code" | "comment" | "string";

export interface Literal {
  start: number;
  end: number;
  /** The literal's content, quotes and `${` cut off, escapes resolved. */
  content: string;
  /** A module specifier: right after `import`, `from` or `import(`. */
  specifier: boolean;
}

export interface ScriptText {
  /** Start offset of each token, ascending, and what it is. */
  starts: number[];
  places: Place[];
  /** Per token, its index in `literals`, or -1. */
  literalOf: number[];
  /** Every string literal and template part, in order. */
  literals: Literal[];
}

const STRING_TYPES = new Set([
  "StringLiteral",
  "NoSubstitutionTemplate",
  "TemplateHead",
  "TemplateMiddle",
  "TemplateTail",
]);
const COMMENT_TYPES = new Set(["MultiLineComment", "SingleLineComment", "HashbangComment"]);

/** Tokenizes `text` once; the tokens are kept as offsets and places only. */
export function scanScript(text: string): ScriptText {
  const starts: number[] = [];
  const places: Place[] = [];
  const literalOf: number[] = [];
  const literals: Literal[] = [];
  let at = 0;
  // The two code tokens before this one, for module specifiers.
  let prev = "";
  let prev2 = "";
  for (const token of jsTokens(text)) {
    const start = at;
    at += token.value.length;
    if (token.type === "WhiteSpace" || token.type === "LineTerminatorSequence") continue;
    const place: Place = COMMENT_TYPES.has(token.type) ? "comment" : STRING_TYPES.has(token.type) ? "string" : "code";
    starts.push(start);
    places.push(place);
    literalOf.push(place === "string" ? literals.length : -1);
    if (place === "string") {
      const specifier = prev === "import" || prev === "from" || (prev === "(" && prev2 === "import");
      literals.push({ start, end: at, content: literalContent(token.type, token.value), specifier });
    }
    if (place !== "comment") {
      prev2 = prev;
      prev = token.value;
    }
  }
  return { starts, places, literalOf, literals };
}

/** The index of the token that holds offset `at`, or -1 before the first. */
function tokenAt(script: ScriptText, at: number): number {
  let lo = 0;
  let hi = script.starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((script.starts[mid] as number) <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Where the text between `start` and `end` sits: inside one comment, inside one literal (its
 * index in `literals`), or touching code.
 */
export function placeOf(
  script: ScriptText,
  start: number,
  end: number,
): { place: "comment" } | { place: "string"; literal: Literal } | { place: "code" } {
  const first = tokenAt(script, start);
  const last = tokenAt(script, Math.max(start, end - 1));
  if (first === last && first >= 0) {
    const place = script.places[first];
    if (place === "comment") return { place: "comment" };
    if (place === "string") {
      const literal = script.literals[script.literalOf[first] as number];
      if (literal) return { place: "string", literal };
    }
  }
  return { place: "code" };
}

function literalContent(type: string, value: string): string {
  let body: string;
  if (type === "StringLiteral" || type === "NoSubstitutionTemplate")
    body = value.slice(1, closes(value) ? -1 : undefined);
  else if (type === "TemplateHead") body = value.slice(1, -2);
  else if (type === "TemplateMiddle") body = value.slice(1, -2);
  else body = value.slice(1, closes(value) ? -1 : undefined);
  return body.includes("\\") ? cookEscapes(body) : body;
}

function closes(value: string): boolean {
  if (value.length < 2) return false;
  const last = value[value.length - 1];
  if (last !== value[0] && !(value[0] === "}" && last === "`")) return false;
  // An unclosed literal ending in an escaped quote does not close.
  let slashes = 0;
  for (let i = value.length - 2; i >= 0 && value[i] === "\\"; i--) slashes++;
  return slashes % 2 === 0;
}

const SINGLE: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };

function hex(text: string, from: number, length: number): number | null {
  const digits = text.slice(from, from + length);
  if (digits.length !== length || !/^[0-9a-fA-F]+$/.test(digits)) return null;
  return Number.parseInt(digits, 16);
}

/**
 * String escapes as ECMAScript resolves them (https://tc39.es/ecma262/#sec-literals-string-literals):
 * `\/` is `/`, `\x2f` and `\u002f` and `\u{2f}` are `/`, a backslash before a line end joins
 * the lines. A malformed escape stays as written.
 */
export function cookEscapes(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i] as string;
    if (n === "x") {
      const code = hex(body, i + 1, 2);
      if (code !== null) {
        out += String.fromCharCode(code);
        i += 2;
      } else out += n;
    } else if (n === "u") {
      if (body[i + 1] === "{") {
        const close = body.indexOf("}", i + 2);
        const code = close > 0 ? hex(body, i + 2, close - i - 2) : null;
        if (code !== null && code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          i = close;
        } else out += n;
      } else {
        const code = hex(body, i + 1, 4);
        if (code !== null) {
          out += String.fromCharCode(code);
          i += 4;
        } else out += n;
      }
    } else if (n === "\r") {
      if (body[i + 1] === "\n") i++;
    } else if (n === "\n" || n === "\u2028" || n === "\u2029") {
      // Line continuation: nothing.
    } else out += SINGLE[n] ?? n;
  }
  return out;
}

/** A scheme-less `host/path` (`stats.g.doubleclick.net/dc.js`, `.google-analytics.com/ga.js`). */
const HOST_PATH = /^\.?[a-z0-9-]+(?:\.[a-z0-9-]+)+\//i;

/**
 * The URL a literal's content names, when it is one: absolute (http, https, ws, wss; WebSocket
 * URLs are judged as their https twin, on the same host), protocol-relative, or a scheme-less
 * `host/path` that a loader completes by concatenation (`'https://' + 'stats.g.doubleclick.net/dc.js'`).
 * Null for anything else: a relative path, a bare host name, prose, markup, JSON.
 */
export function literalUrl(content: string, base: URL): URL | null {
  const text = content.trim();
  if (text.length < 4) return null;
  let candidate: string | null = null;
  const lower = text.slice(0, 6).toLowerCase();
  if (lower.startsWith("http:") || lower.startsWith("https:") || lower.startsWith("//") || lower.startsWith("\\\\"))
    candidate = text;
  else if (lower.startsWith("ws:") || lower.startsWith("wss:")) candidate = `http${text.slice(2)}`;
  else if (HOST_PATH.test(text)) candidate = `https://${text.startsWith(".") ? text.slice(1) : text}`;
  if (candidate === null) return null;
  let url: URL;
  try {
    url = new URL(candidate, base);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}
