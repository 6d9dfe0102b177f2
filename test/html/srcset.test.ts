import { describe, expect, it } from "vitest";
import { parseSrcset, srcsetCandidates } from "../../src/html/srcset";

const GTM = "https://www.googletagmanager.com/ns.html";

describe("srcsetCandidates", () => {
  it.each([
    ["one URL", "a.jpg", ["a.jpg"]],
    ["URL and descriptor", "a.jpg 2x", ["a.jpg", "2x"]],
    ["two candidates", `a.jpg 1x, ${GTM} 2x`, ["a.jpg", "1x,", "1x", GTM, "2x"]],
    ["width descriptors", `a.jpg 480w,${GTM} 800w`, ["a.jpg", `480w,${GTM}`, "480w", GTM, "800w"]],
    ["no whitespace around the comma", `a.jpg,${GTM}`, [`a.jpg,${GTM}`, "a.jpg", GTM]],
    ["a URL containing commas", "a,b.jpg 1x", ["a,b.jpg", "a", "b.jpg", "1x"]],
    ["leading and trailing whitespace", `\n\t ${GTM}\f 1x \r`, [GTM, "1x"]],
    ["leading comma", `,${GTM}`, [`,${GTM}`, GTM]],
    ["empty", "", []],
    ["whitespace only", " \t\n", []],
    ["commas only", ",,", [",,"]],
  ])("%s", (_, value, expected) => {
    expect(srcsetCandidates(value)).toEqual(expected);
  });

  it("offers a vendor URL however the candidates are separated", () => {
    for (const sep of [", ", ",", " ,", "\n,\n", " , ", ",\t"]) {
      expect(srcsetCandidates(`/a.jpg 1x${sep}${GTM} 2x`)).toContain(GTM);
      expect(srcsetCandidates(`/a.jpg${sep}${GTM}`)).toContain(GTM);
    }
  });
});

describe("parseSrcset", () => {
  it.each([
    ["one URL", "a.jpg", [["a.jpg", "a.jpg"]]],
    [
      "two candidates",
      "a.jpg 1x, b.jpg 2x",
      [
        ["a.jpg", "a.jpg 1x"],
        ["b.jpg", "b.jpg 2x"],
      ],
    ],
    [
      "no space after the comma",
      "a.jpg 1x,b.jpg 2x",
      [
        ["a.jpg", "a.jpg 1x"],
        ["b.jpg", "b.jpg 2x"],
      ],
    ],
    ["a URL run through a comma is one URL", "a.jpg,b.jpg 2x", [["a.jpg,b.jpg", "a.jpg,b.jpg 2x"]]],
    [
      "URL ending in a comma",
      "a.jpg, b.jpg 2x",
      [
        ["a.jpg", "a.jpg"],
        ["b.jpg", "b.jpg 2x"],
      ],
    ],
    ["a comma inside a URL", "a,b.jpg 1x", [["a,b.jpg", "a,b.jpg 1x"]]],
    [
      "a comma in parentheses",
      "a.jpg (x, y) 1x, b.jpg",
      [
        ["a.jpg", "a.jpg (x, y) 1x"],
        ["b.jpg", "b.jpg"],
      ],
    ],
    ["whitespace and commas around", " \n,a.jpg 1x ,\t", [["a.jpg", "a.jpg 1x"]]],
    ["empty", "", []],
  ])("%s", (_, value, expected) => {
    expect(parseSrcset(value).map((c) => [c.url, c.text])).toEqual(expected);
  });

  it("every candidate URL it finds is one srcsetCandidates offers", () => {
    for (const value of [`/a.jpg 1x, ${GTM} 2x`, `/a.jpg,${GTM}`, `${GTM} 640w,/b.jpg 320w`])
      for (const c of parseSrcset(value)) expect(srcsetCandidates(value)).toContain(c.url);
  });
});
