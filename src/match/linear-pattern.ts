/**
 * The only regular expressions a policy may hold are the value patterns of a first-party tag's
 * query (`beacon.tag.query`), and they run on what visitors send. A backtracking engine (V8's)
 * can take polynomial or exponential time on a pattern with nested or adjacent repetition
 * (https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS), so
 * the check accepts only patterns that provably match in linear time:
 *
 * - anchored, `^` … `$`;
 * - a sequence of single-character atoms: a literal, an escape, `.`, or a character class;
 * - each with at most one quantifier (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`), never lazy;
 * - at most one atom repeated a variable number of times;
 * - no groups, alternation, back-references or lookaround.
 *
 * Anchored at the start, the engine makes one attempt; with one variable repetition, each way of
 * ending it is followed by a fixed-length tail, so the work is bounded by the input length times
 * a constant of the pattern. `^G-[A-Z0-9]{4,20}$` passes; `^(a+)+$` and `^a*a*$` do not.
 */

/** Escapes that stand for one character (or one of a class of single characters). */
const SINGLE_CHAR_ESCAPES = new Set(["d", "D", "w", "W", "s", "S", "t", "n", "r", "f", "v", "0"]);
/** Characters that mean themselves when escaped: the regex syntax characters and `/`, `-`. */
const SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/", "-"]);

/** Why `source` is not a linear-time pattern of the accepted shape, or null when it is. */
export function linearPatternProblem(source: string): string | null {
  if (!source.startsWith("^") || !source.endsWith("$") || escapedAt(source, source.length - 1))
    return "it is not anchored with ^ … $";
  try {
    new RegExp(source);
  } catch {
    return "it is not a valid regular expression";
  }
  const body = source.slice(1, -1);
  let variable = 0;
  let i = 0;
  while (i < body.length) {
    const atomEnd = endOfAtom(body, i);
    if (typeof atomEnd === "string") return atomEnd;
    i = atomEnd;
    const quantifier = readQuantifier(body, i);
    if (typeof quantifier === "string") return quantifier;
    if (quantifier) {
      i = quantifier.end;
      if (quantifier.variable) variable++;
      if (variable > 1) return "more than one part repeats a variable number of times";
    }
  }
  return null;
}

/** True when the character at `i` is preceded by an odd number of backslashes. */
function escapedAt(source: string, i: number): boolean {
  let backslashes = 0;
  for (let j = i - 1; j >= 0 && source[j] === "\\"; j--) backslashes++;
  return backslashes % 2 === 1;
}

/** Index after the atom starting at `i`, or why it is not a single-character atom. */
function endOfAtom(body: string, i: number): number | string {
  const c = body[i] as string;
  if (c === "\\") {
    const next = body[i + 1];
    if (next === undefined) return "it ends with a lone backslash";
    if (SINGLE_CHAR_ESCAPES.has(next) || SYNTAX.has(next)) return i + 2;
    return `the escape \\${next} is not allowed (only \\d \\w \\s and escaped syntax characters)`;
  }
  if (c === "[") return endOfClass(body, i);
  if (c === "(" || c === ")") return "groups are not allowed";
  if (c === "|") return "alternation (|) is not allowed";
  if (c === "^" || c === "$") return "^ and $ belong only at the start and the end";
  if (c === "*" || c === "+" || c === "?" || c === "{") return "a quantifier follows nothing or another quantifier";
  return i + 1;
}

function endOfClass(body: string, start: number): number | string {
  let i = start + 1;
  if (body[i] === "^") i++;
  // A `]` first in a class is a literal in most engines but an empty class in JavaScript.
  if (body[i] === "]") return "an empty character class";
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      const next = body[i + 1];
      if (next === undefined) return "an unterminated character class";
      if (!SINGLE_CHAR_ESCAPES.has(next) && !SYNTAX.has(next))
        return `the escape \\${next} is not allowed in a character class`;
      i++;
      continue;
    }
    if (c === "[") return "a [ inside a character class must be escaped";
    if (c === "]") return i + 1;
  }
  return "an unterminated character class";
}

/** The quantifier at `i`, if any: where it ends and whether it repeats a variable number of times. */
function readQuantifier(body: string, i: number): { end: number; variable: boolean } | null | string {
  const c = body[i];
  let end: number;
  let variable: boolean;
  if (c === "?" || c === "*" || c === "+") {
    end = i + 1;
    variable = true;
  } else if (c === "{") {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(body.slice(i));
    if (!m) return "a { that is not a quantifier {n}, {n,} or {n,m} must be escaped";
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (max < min) return "a quantifier {n,m} with m below n";
    end = i + (m[0] as string).length;
    variable = max !== min;
  } else {
    return null;
  }
  const after = body[end];
  if (after === "?") return "lazy quantifiers are not allowed";
  if (after === "*" || after === "+" || after === "{") return "a quantifier follows another quantifier";
  return { end, variable };
}
