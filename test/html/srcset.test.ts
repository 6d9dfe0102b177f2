import { describe, expect, it } from "vitest";
import { srcsetCandidates } from "../../src/html/srcset";

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
