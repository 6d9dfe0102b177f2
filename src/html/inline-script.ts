/**
 * Inline scripts, as a state machine that knows nothing of HTMLRewriter: the rewriter feeds it the
 * script elements and text chunks lol-html hands over, and does what each step says (./rewriter.ts).
 *
 * The text is held back until the last chunk of its text node, then judged whole: written back
 * unchanged or dropped. An HTML script's text is one raw text node. An SVG script's text is parsed
 * as markup: character references are decoded, CDATA sections split it into several text nodes
 * and the browser runs all of them joined. Each of its text nodes is judged together with the
 * text already let through, and once one is refused, or a child element (which may split a
 * snippet) appears, the rest of the script is dropped. Text over the limit is dropped unjudged
 * (fail closed).
 *
 * The `type` attribute decides first (src/match/script-type.ts). The rewriter tells the machine
 * about a typed script at its start tag: a data block's text is let through as it streams, never
 * held and never judged, whatever its size; an import map's or speculation rules' JSON is held
 * and judged by the JSON judge, which may drop entries from it. Untyped scripts need no start tag.
 */

/** Judges a script's text so far: the refused vendor ids it belongs to, empty when it may run. */
export type InlineJudge = (text: string, foreign: boolean) => readonly string[];

/**
 * Judges an import map's or speculation rules' JSON: the text to write back (the entries that
 * point at refused vendors dropped) and those vendors; `content` null when it cannot be read
 * (then the element is emptied, fail closed).
 */
export type JsonJudge = (
  text: string,
  kind: "importmap" | "speculationrules",
) => { content: string | null; vendors: readonly string[] };

/** What to do with a text chunk. */
export type TextStep =
  /** Leave the chunk as it is: the text of a script that is not judged. */
  | { kind: "pass" }
  /** Remove the chunk: held back for judgement, or part of a script already refused. */
  | { kind: "hold" }
  /** Remove the chunk: the text outgrew the limit, unjudged (report it as oversized). */
  | { kind: "oversized" }
  /** Remove the chunk: the text is refused for these vendors (report them). */
  | { kind: "refused"; vendors: readonly string[] }
  /** Replace the chunk with the held-back text, which may run. */
  | { kind: "write"; content: string }
  /** Replace the chunk with this text: JSON with the entries of these vendors dropped. */
  | { kind: "trimmed"; content: string; vendors: readonly string[] }
  /** Remove the chunk: JSON that cannot be read (report it as unchecked). */
  | { kind: "unreadable" };

interface Held {
  parts: string[];
  size: number;
  overflow: boolean;
  /** An SVG script: its text nodes are judged one after another, with what passed before. */
  foreign: boolean;
  /** The text already let through (SVG scripts). */
  passed: string;
  /** Refused or split: the rest is dropped. */
  cut: boolean;
  /** An HTML script with src met as "svg script", or a data block: its text is not judged. */
  ignore: boolean;
  /** An import map or speculation rules: JSON, judged by the JSON judge. */
  json: "importmap" | "speculationrules" | null;
  /** A data block whose text is read (never held) for vendor references. */
  data: boolean;
}

type Kind = "html" | "svg" | "ignored" | "importmap" | "speculationrules";

function held(kind: Kind): Held {
  return {
    parts: [],
    size: 0,
    overflow: false,
    foreign: kind === "svg",
    passed: "",
    cut: false,
    ignore: kind === "ignored",
    json: kind === "importmap" || kind === "speculationrules" ? kind : null,
    data: false,
  };
}

export class InlineScripts {
  #held: Held | null = null;
  /** A script nested in an SVG script was just removed as its child; its own start tag is skipped. */
  #nested = false;

  constructor(
    private readonly limit: number,
    private readonly judge: InlineJudge,
    private readonly jsonJudge: JsonJudge = () => ({ content: null, vendors: [] }),
    /** Told a data block's text (up to the limit) once it has passed; it never changes it. */
    private readonly dataReader?: (text: string) => void,
  ) {}

  /**
   * The start tag of an HTML script with a `type` (or `language`) that is not plainly
   * JavaScript, classified by src/match/script-type.ts. Returns what to call at its end tag, or
   * null when its text is code, judged like an untyped script's.
   */
  typed(kind: "code" | "data" | "importmap" | "speculationrules"): (() => void) | null {
    if (kind === "code") return null;
    const state = held(kind === "data" ? "ignored" : kind);
    state.data = kind === "data" && this.dataReader !== undefined;
    this.#held = state;
    return () => {
      if (this.#held === state) this.#held = null;
    };
  }

  /**
   * An element inside a script (only SVG scripts have them). True when it must be removed
   * (unchecked), which also drops the rest of the script.
   */
  child(tag: string): boolean {
    if (!this.#held?.foreign) return false;
    this.#held.cut = true;
    this.#nested = tag === "script";
    return true;
  }

  /**
   * The start tag of a script inside `<svg>`: an SVG script, or an HTML one in
   * `<foreignObject>`. Returns what to call at its end tag, or null when there is nothing to track.
   * HTML scripts elsewhere need no start tag: their state begins with their first text chunk,
   * which spares a call into JavaScript per inline script.
   */
  svgScript(element: { html: boolean; src: boolean }): (() => void) | null {
    if (this.#nested) {
      this.#nested = false;
      return null;
    }
    if (element.html) {
      // An HTML script in <foreignObject>: with src, its text never runs and is left alone.
      if (!element.src) return null;
      const ignored = held("ignored");
      this.#held = ignored;
      return () => {
        if (this.#held === ignored) this.#held = null;
      };
    }
    this.#held = held("svg");
    return () => {
      this.#held = null;
    };
  }

  /** A chunk of script text; `last` when it ends its text node. */
  text(text: string, last: boolean): TextStep {
    // An HTML script without src (an SVG script's state was set up by its start tag).
    this.#held ??= held("html");
    const h = this.#held;
    if (h.ignore) {
      // A data block's copy is kept only to be read for references; its text streams on.
      if (h.data && !h.overflow) {
        h.parts.push(text);
        h.size += text.length;
        if (h.size > this.limit) {
          h.overflow = true;
          h.parts = [];
        }
      }
      if (last) {
        this.#held = null;
        if (h.data && !h.overflow) this.dataReader?.(h.parts.join(""));
      }
      return { kind: "pass" };
    }
    if (h.cut) return { kind: "hold" };
    if (!h.overflow) {
      h.parts.push(text);
      h.size += text.length;
      if (h.size > this.limit) {
        h.overflow = true;
        h.parts = [];
      }
    }
    if (!last) return { kind: "hold" };
    if (h.foreign) h.cut = h.overflow;
    else this.#held = null;
    if (h.overflow) return { kind: "oversized" };
    const content = h.parts.join("");
    h.parts = [];
    if (h.json) {
      const judged = this.jsonJudge(content, h.json);
      if (judged.content === null) return { kind: "unreadable" };
      if (judged.vendors.length) return { kind: "trimmed", content: judged.content, vendors: judged.vendors };
      return { kind: "write", content };
    }
    const joined = h.passed + content;
    const refused = this.judge(joined, h.foreign);
    if (refused.length) {
      h.cut = true;
      return { kind: "refused", vendors: refused };
    }
    h.passed = joined;
    return { kind: "write", content };
  }
}
