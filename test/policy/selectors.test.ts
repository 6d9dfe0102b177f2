/**
 * The premise of silentSelectorProblem, checked against the runtime's own HTMLRewriter: lol-html
 * accepts a combinator inside :not() and then matches nothing, while simple selectors (and lists
 * of them) inside :not() work. If a workerd update fixes the former, the first test fails and the
 * check can be relaxed.
 */
import { describe, expect, it } from "vitest";
import { loadPolicy, type PolicyFiles } from "../../src/policy/load";
import { classTokenPrefix } from "../../src/policy/schema";
import { invalidSelectors } from "../../src/policy/selector-check";
import { lookAlikeSelectorWarning, silentSelectorProblem } from "../../src/policy/selectors";
import { html, makeGate, shippedFiles } from "../helpers/gate";
import { withoutInjected } from "../helpers/injected";

const PAGE = `<main><div id="in" class="a"><p id="p1" class="b" data-x="a b">1</p></div></main><p id="p2" class="c">2</p><footer><p id="p3">3</p></footer>`;

async function matches(selector: string): Promise<string[]> {
  const ids: string[] = [];
  await new HTMLRewriter()
    .on(selector, {
      element(el) {
        ids.push(el.getAttribute("id") ?? el.tagName);
      },
    })
    .transform(new Response(PAGE))
    .text();
  return ids;
}

describe("lol-html and :not()", () => {
  it.each([["p:not(div p)"], ["p:not(main > div > p)"], ["p:not(footer p)"], ["p:not(.b, footer p)"]])(
    "accepts %s and then matches nothing, though the page has a p outside",
    async (selector) => {
      expect(invalidSelectors([selector])).toEqual([]);
      expect(await matches(selector)).toEqual([]);
      expect(silentSelectorProblem(selector)).toMatch(/^a combinator inside :not\(/);
    },
  );

  it.each([
    ["p:not(.b)", ["p2", "p3"]],
    ["p:not(.b, .c)", ["p3"]],
    ['p:not([data-x="a b"])', ["p2", "p3"]],
    ["p:not( .c )", ["p1", "p3"]],
    ["main p:not(.c)", ["p1"]],
    ["div > p:not(#p2)", ["p1"]],
  ])("matches %s as CSS says, and the check lets it through", async (selector, ids) => {
    expect(await matches(selector)).toEqual(ids);
    expect(silentSelectorProblem(selector)).toBeNull();
  });

  it.each([
    ['[class*="elfsight-app-"]', null],
    ["blockquote.instagram-media", null],
    ["div:not(.x ~ .y)", "a combinator inside :not(.x ~ .y)"],
    ["div:not(.x+.y)", "a combinator inside :not(.x+.y)"],
    ["a:not([href]):not(nav a)", "a combinator inside :not(nav a)"],
    ['div:not([title="x y"])', null],
    ["div:not([title='a)b c'])", null],
  ])("silentSelectorProblem(%s) = %s", (selector, problem) => {
    expect(silentSelectorProblem(selector)).toBe(problem);
  });
});

describe("lookAlikeSelectorWarning", () => {
  it.each([
    ['[class*="elfsight-app-"]', "[class*=…] matches any class containing the text, the site's own too"],
    ["div[ID^=widget]", "[id^=…] matches any id containing the text, the site's own too"],
    ["[ class$='-feed' ]", "[class$=…] matches any class containing the text, the site's own too"],
    [".elfsight-widget", null],
    ['[class~="elfsight-widget"]', null],
    ['[data-x*="class*="]', null],
    ["blockquote.instagram-media", null],
  ])("%s", (selector, warning) => {
    expect(lookAlikeSelectorWarning(selector)).toBe(warning);
  });
});

describe("classTokens", () => {
  const files = () => {
    const f = shippedFiles();
    return f;
  };

  it("refuses a pattern that is not anchored, not linear, or has no literal start", () => {
    for (const [pattern, path] of [
      ["elfsight-app-[0-9a-f]+", "classTokens[0]"],
      ["^(a+)+$", "classTokens[0]"],
      ["^[a-z]{3}-widget$", "classTokens[0]"],
      ["^ab+c$", "classTokens[0]"],
    ]) {
      const f = files();
      f["policies/vendors/elfsight.yaml"].classTokens = [pattern];
      const result = loadPolicy(f as PolicyFiles);
      expect(result.ok, pattern).toBe(false);
      if (!result.ok) expect(result.diagnostics.map((d) => d.path)).toContain(path);
    }
  });

  it("reads the literal start lol-html matches first", () => {
    expect(classTokenPrefix("^elfsight-app-[0-9a-f]{8}$")).toBe("elfsight-app-");
    expect(classTokenPrefix("^widgets?-x$")).toBe("widget");
    expect(classTokenPrefix("^[a-z]x$")).toBe("");
  });

  it("takes the vendor's container and leaves look-alike classes", async () => {
    const uuid = "5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f";
    const input = `<section class="elfsight-app-section"><h2>Otsikko</h2><p>Teksti</p><a href="/x">linkki</a></section><div class="feed elfsight-app-${uuid}"></div><div class="elfsight-app-${uuid}-extra">x</div>`;
    const { request } = makeGate(() => html(input));
    const out = withoutInjected(await (await request("/")).text());
    expect(out).toBe(
      `<section class="elfsight-app-section"><h2>Otsikko</h2><p>Teksti</p><a href="/x">linkki</a></section><div class="elfsight-app-${uuid}-extra">x</div>`,
    );
  });
});
