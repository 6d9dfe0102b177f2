/**
 * Inline snippets and script text are compared in one normal form: lower case, no whitespace,
 * one kind of quote. `gtag( "config"` and `gtag('config'` are then the same, so cosmetic edits
 * to a vendor snippet do not slip past.
 */
export function normalizeInline(text: string): string {
  return text.toLowerCase().replace(/\s+/g, "").replace(/["`]/g, "'");
}

export interface InlinePattern {
  normalized: string;
  vendor: number;
  /** The snippet as the vendor file wrote it, for the audit and logs. */
  source?: string;
  /** A vendor host rather than a loader signature: only tells the judge to look closer. */
  host?: boolean;
  /** A host the vendor claims whole (its `hosts`), not only a URL rule's. */
  claimed?: boolean;
}

/**
 * Every snippet of a policy in one Aho-Corasick automaton, so a script's text is read once,
 * whatever the number of snippets, instead of normalized into a copy and searched once per
 * snippet (the cost that dominated rewriting pages with many inline scripts; docs/BENCHMARKS.md).
 * https://en.wikipedia.org/wiki/Aho%E2%80%93Corasick_algorithm
 */
interface Automaton {
  /** Dense transitions for ASCII code units: next[state * 128 + unit]. */
  next: Int32Array;
  /** Trie edges for code units 128 and above (snippets are rarely anything but ASCII). */
  wide: Array<Map<number, number>>;
  fail: Int32Array;
  /** Pattern indexes that end at each state, failure links followed; null when none. */
  out: Array<number[] | null>;
  /** Empty snippets: found in any non-empty text, as String.prototype.includes("") is. */
  empty: number[];
}

const automata = new WeakMap<readonly InlinePattern[], Automaton>();

function automatonFor(patterns: readonly InlinePattern[]): Automaton {
  let automaton = automata.get(patterns);
  if (!automaton) {
    automaton = buildAutomaton(patterns);
    automata.set(patterns, automaton);
  }
  return automaton;
}

function buildAutomaton(patterns: readonly InlinePattern[]): Automaton {
  const edges: Array<Map<number, number>> = [new Map()];
  const own: number[][] = [[]];
  const empty: number[] = [];
  patterns.forEach((p, index) => {
    if (p.normalized.length === 0) {
      empty.push(index);
      return;
    }
    let state = 0;
    for (let i = 0; i < p.normalized.length; i++) {
      const unit = p.normalized.charCodeAt(i);
      let to = edges[state]?.get(unit);
      if (to === undefined) {
        to = edges.length;
        edges.push(new Map());
        own.push([]);
        edges[state]?.set(unit, to);
      }
      state = to;
    }
    own[state]?.push(index);
  });
  const count = edges.length;
  const fail = new Int32Array(count);
  const next = new Int32Array(count * 128);
  const out: Array<number[] | null> = new Array(count).fill(null);
  // Breadth first, so a state's failure target is complete before the state itself.
  const queue: number[] = [0];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number;
    const mine = own[state] ?? [];
    const inherited = state === 0 ? null : out[fail[state] as number];
    out[state] = mine.length || inherited ? [...mine, ...(inherited ?? [])] : null;
    for (let unit = 0; unit < 128; unit++) {
      const to = edges[state]?.get(unit);
      next[state * 128 + unit] = to ?? (state === 0 ? 0 : (next[(fail[state] as number) * 128 + unit] as number));
    }
    for (const [unit, to] of edges[state] ?? []) {
      fail[to] = state === 0 ? 0 : step(edges, fail, next, fail[state] as number, unit);
      queue.push(to);
    }
  }
  return { next, wide: edges, fail, out, empty };
}

function step(
  edges: ReadonlyArray<Map<number, number>>,
  fail: Int32Array,
  next: Int32Array,
  from: number,
  unit: number,
): number {
  if (unit < 128) return next[from * 128 + unit] as number;
  let state = from;
  for (;;) {
    const to = edges[state]?.get(unit);
    if (to !== undefined) return to;
    if (state === 0) return 0;
    state = fail[state] as number;
  }
}

/**
 * Whitespace as the `\s` of a regular expression: WhiteSpace and LineTerminator of ECMA-262.
 * https://tc39.es/ecma262/#sec-white-space
 */
function isSpace(unit: number): boolean {
  if (unit < 128) return unit === 32 || (unit >= 9 && unit <= 13);
  return (
    unit === 0xa0 ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

/**
 * Indexes into `patterns` of the snippets that occur in normalizeInline(text), ascending. The
 * text is lower-cased natively; whitespace is skipped and quotes are folded while the automaton
 * reads it, which is normalizeInline without the copies.
 */
function foundPatterns(patterns: readonly InlinePattern[], text: string): number[] {
  const { next, wide, fail, out, empty } = automatonFor(patterns);
  const lower = text.toLowerCase();
  const seen = new Uint8Array(patterns.length);
  for (const index of empty) seen[index] = 1;
  let state = 0;
  for (let i = 0; i < lower.length; i++) {
    let unit = lower.charCodeAt(i);
    if (unit < 128) {
      if (unit === 32 || (unit >= 9 && unit <= 13)) continue;
      if (unit === 34 || unit === 96) unit = 39;
      state = next[state * 128 + unit] as number;
    } else {
      if (isSpace(unit)) continue;
      state = step(wide, fail, next, state, unit);
    }
    const ends = out[state];
    if (ends) for (const index of ends) seen[index] = 1;
  }
  const found: number[] = [];
  for (let index = 0; index < seen.length; index++) if (seen[index]) found.push(index);
  return found;
}

/** Vendor indexes whose snippets occur in `text`, in vendor order, without repeats. */
export function matchInline(patterns: readonly InlinePattern[], text: string): number[] {
  return explainInline(patterns, text).map((f) => f.vendor);
}

/** Each vendor whose snippets occur in `text`, with the first snippet of it that matched. */
export function explainInline(
  patterns: readonly InlinePattern[],
  text: string,
): Array<{ vendor: number; snippet: string }> {
  if (patterns.length === 0 || text.length === 0) return [];
  const found: Array<{ vendor: number; snippet: string }> = [];
  for (const index of foundPatterns(patterns, text)) {
    const p = patterns[index] as InlinePattern;
    if (!found.some((f) => f.vendor === p.vendor)) found.push({ vendor: p.vendor, snippet: p.source ?? p.normalized });
  }
  return found;
}

/** Indexes into `patterns` of the snippets that occur in `text`, ascending (one automaton pass). */
export function findInline(patterns: readonly InlinePattern[], text: string): number[] {
  if (patterns.length === 0 || text.length === 0) return [];
  return foundPatterns(patterns, text);
}

/** One place a snippet occurs: offsets into the text as written (`end` exclusive). */
export interface Occurrence {
  pattern: number;
  start: number;
  end: number;
}

function lowerUnit(unit: number): number {
  if (unit < 128) return unit >= 65 && unit <= 90 ? unit + 32 : unit;
  const lower = String.fromCharCode(unit).toLowerCase();
  return lower.length === 1 ? lower.charCodeAt(0) : unit;
}

/**
 * Every occurrence of the `wanted` snippets in `text`, with its offsets, read as foundPatterns
 * reads (case, whitespace and quotes folded). Only for scripts the one-pass search already
 * flagged: the judge needs to know where each snippet sits (src/match/js-code.ts).
 */
export function inlineOccurrences(
  patterns: readonly InlinePattern[],
  text: string,
  wanted: ReadonlySet<number>,
): Occurrence[] {
  const { next, wide, fail, out } = automatonFor(patterns);
  const found: Occurrence[] = [];
  let state = 0;
  for (let i = 0; i < text.length; i++) {
    let unit = lowerUnit(text.charCodeAt(i));
    if (isSpace(unit)) continue;
    if (unit === 34 || unit === 96) unit = 39;
    state = unit < 128 ? (next[state * 128 + unit] as number) : step(wide, fail, next, state, unit);
    const ends = out[state];
    if (!ends) continue;
    for (const index of ends) {
      if (!wanted.has(index)) continue;
      let need = (patterns[index] as InlinePattern).normalized.length;
      let start = i + 1;
      while (need > 0 && start > 0) {
        start--;
        if (!isSpace(lowerUnit(text.charCodeAt(start)))) need--;
      }
      found.push({ pattern: index, start, end: i + 1 });
    }
  }
  return found;
}
