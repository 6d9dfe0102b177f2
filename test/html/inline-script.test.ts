/**
 * The inline-script state machine on its own, without HTMLRewriter: what it says to do with each
 * chunk lol-html would hand over, and what it asks the judge. The rewriter's own tests
 * (marks.test.ts, golden.test.ts, properties.test.ts) drive it through the real lol-html.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InlineScripts, type TextStep } from "../../src/html/inline-script";

/** A judge that refuses any text containing "tracker", and records what it was asked. */
function judging() {
  const asked: Array<[string, boolean]> = [];
  const judge = (text: string, foreign: boolean) => {
    asked.push([text, foreign]);
    return text.includes("tracker") ? ["vendor-a"] : [];
  };
  return { asked, judge };
}

/** Feeds one text node as chunks; the steps in order. */
function feed(scripts: InlineScripts, chunks: readonly string[]): TextStep[] {
  return chunks.map((chunk, i) => scripts.text(chunk, i === chunks.length - 1));
}

describe("an HTML script", () => {
  it("holds every chunk back and writes the whole text back once it may run", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    expect(feed(scripts, ["var a", " = 1;", ""])).toEqual([
      { kind: "hold" },
      { kind: "hold" },
      { kind: "write", content: "var a = 1;" },
    ]);
    expect(asked).toEqual([["var a = 1;", false]]);
  });

  it("drops a refused text, and judges the next script afresh", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    expect(feed(scripts, ["tracker.init()"])).toEqual([{ kind: "refused", vendors: ["vendor-a"] }]);
    expect(feed(scripts, ["ok()"])).toEqual([{ kind: "write", content: "ok()" }]);
    expect(asked).toEqual([
      ["tracker.init()", false],
      ["ok()", false],
    ]);
  });

  it("drops a text over the limit unjudged, and starts over for the next script", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(4, judge);
    expect(feed(scripts, ["abc", "de", "f"])).toEqual([{ kind: "hold" }, { kind: "hold" }, { kind: "oversized" }]);
    expect(asked).toEqual([]);
    expect(feed(scripts, ["abcd"])).toEqual([{ kind: "write", content: "abcd" }]);
  });

  it("whatever the chunking, is judged once on the whole text and written back whole (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (chunks) => {
        const { asked, judge } = judging();
        const scripts = new InlineScripts(1 << 20, judge);
        const steps = feed(scripts, chunks);
        const text = chunks.join("");
        expect(steps.slice(0, -1).every((s) => s.kind === "hold")).toBe(true);
        expect(steps.at(-1)).toEqual(
          text.includes("tracker") ? { kind: "refused", vendors: ["vendor-a"] } : { kind: "write", content: text },
        );
        expect(asked).toEqual([[text, false]]);
      }),
    );
  });
});

describe("an SVG script", () => {
  it("judges each text node with the text already let through, and drops the rest once refused", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    const end = scripts.svgScript({ html: false, src: false });
    expect(end).toBeTypeOf("function");
    expect(feed(scripts, ["var t = 'trac"])).toEqual([{ kind: "write", content: "var t = 'trac" }]);
    expect(feed(scripts, ["ker';"])).toEqual([{ kind: "refused", vendors: ["vendor-a"] }]);
    expect(feed(scripts, ["more()"])).toEqual([{ kind: "hold" }]);
    expect(asked).toEqual([
      ["var t = 'trac", true],
      ["var t = 'tracker';", true],
    ]);
    end?.();
    // After its end tag, a script's text is an HTML script's again.
    expect(feed(scripts, ["x()"])).toEqual([{ kind: "write", content: "x()" }]);
    expect(asked.at(-1)).toEqual(["x()", false]);
  });

  it("a child element drops the rest of the script, and a nested script's start tag is skipped", () => {
    const { judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    scripts.svgScript({ html: false, src: false });
    expect(feed(scripts, ["a()"])).toEqual([{ kind: "write", content: "a()" }]);
    expect(scripts.child("script")).toBe(true);
    expect(scripts.svgScript({ html: false, src: false })).toBeNull();
    expect(feed(scripts, ["b()"])).toEqual([{ kind: "hold" }]);
  });

  it("over the limit: that text node and the rest of the script are dropped", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(2, judge);
    scripts.svgScript({ html: false, src: false });
    expect(feed(scripts, ["abc"])).toEqual([{ kind: "oversized" }]);
    expect(feed(scripts, ["d"])).toEqual([{ kind: "hold" }]);
    expect(asked).toEqual([]);
  });

  it("has children only when it is an SVG script: an HTML script's child is not this machine's", () => {
    const scripts = new InlineScripts(1024, judging().judge);
    expect(scripts.child("span")).toBe(false);
  });
});

describe("an HTML script inside <svg> (in <foreignObject>)", () => {
  it("with src: its text never runs and is left as it is, until its end tag", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    const end = scripts.svgScript({ html: true, src: true });
    expect(feed(scripts, ["tracker()", ""])).toEqual([{ kind: "pass" }, { kind: "pass" }]);
    end?.();
    expect(asked).toEqual([]);
  });

  it("without src: nothing to track at its start tag, its text judged as any HTML script's", () => {
    const { asked, judge } = judging();
    const scripts = new InlineScripts(1024, judge);
    expect(scripts.svgScript({ html: true, src: false })).toBeNull();
    expect(feed(scripts, ["tracker()"])).toEqual([{ kind: "refused", vendors: ["vendor-a"] }]);
    expect(asked).toEqual([["tracker()", false]]);
  });
});
