/** The parameter rules: an allowlist (`keep`) that overrides a denylist (`remove`), then `others`. */
import { describe, expect, it } from "vitest";
import { stripUrl } from "../../src/beacon/hit";
import { compileParamRules, forwards } from "../../src/match/param-rules";

const names = (rules: Parameters<typeof compileParamRules>[0], list: string[]) =>
  list.filter((n) => forwards(compileParamRules(rules), n));

describe("forwards()", () => {
  it.each([
    // [rules, input names, forwarded names]
    [{ keep: [], remove: ["uid"], others: "keep" as const }, ["v", "uid", "cid"], ["v", "cid"]],
    [{ keep: [], remove: ["up.*"], others: "keep" as const }, ["up.plan", "up.tier", "en"], ["en"]],
    [{ keep: ["up.plan"], remove: ["up.*"], others: "keep" as const }, ["up.plan", "up.tier", "en"], ["up.plan", "en"]],
    [{ keep: ["v", "en"], remove: [], others: "drop" as const }, ["v", "en", "tag_exp"], ["v", "en"]],
    [{ keep: ["ep.*"], remove: ["ep.*"], others: "drop" as const }, ["ep.x", "epn.y"], ["ep.x"]],
    [
      { keep: ["utm_*"], remove: [], others: "drop" as const },
      ["utm_source", "UTM_Medium", "_gl", "q"],
      ["utm_source", "UTM_Medium"],
    ],
    [{ keep: [], remove: ["UID"], others: "keep" as const }, ["uid", "Uid"], []],
  ])("%j: %j → %j", (rules, input, output) => {
    expect(names(rules, input)).toEqual(output);
  });
});

describe("stripUrl()", () => {
  const rules = compileParamRules({ keep: ["utm_*"], remove: [], others: "drop" });
  it.each([
    [
      "https://kevyt.example/laina?utm_source=x&_gl=1~abc~&email=a%40b.fi#top",
      "https://kevyt.example/laina?utm_source=x",
    ],
    ["https://user:pw@kevyt.example/?q=1", "https://kevyt.example/"],
    ["https://kevyt.example/a?UTM_CAMPAIGN=kevät", "https://kevyt.example/a?UTM_CAMPAIGN=kev%C3%A4t"],
    ["http://127.0.0.1/", "http://127.0.0.1/"],
  ])("%s → %s", (input, output) => {
    expect(stripUrl(input, rules)).toBe(output);
  });
  it.each(["javascript:alert(1)", "not a url", "/relative", "data:text/html,x"])("drops %s", (input) => {
    expect(stripUrl(input, rules)).toBeNull();
  });
});
