import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearPatternProblem } from "../../src/match/linear-pattern";
import { activatePolicy } from "../../src/policy/active";
import { SHIPPED } from "../helpers/gate";

describe("linearPatternProblem", () => {
  it("accepts every tag query pattern the test policy holds", () => {
    const { policy } = activatePolicy(SHIPPED);
    const sources = policy.vendorFiles.flatMap((v) => Object.values(v.beacon?.tag?.query ?? {}));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(linearPatternProblem(source), source).toBeNull();
  });

  it.each([
    ["^G-[A-Z0-9]{4,20}$"],
    ["^GTM-[A-Z0-9]{4,10}$"],
    ["^AW-\\d{6,12}$"],
    ["^[A-Za-z_$][A-Za-z0-9_$]{0,63}$"],
    ["^a.b?c{3}d$"],
    ["^[\\]\\-a]{2}x$"],
    ["^[^/]{1,200}$"],
    ["^a\\\\$"],
    ["^$"],
  ])("accepts %s", (source) => {
    expect(linearPatternProblem(source)).toBeNull();
  });

  // The classic ReDoS shapes (OWASP), and everything outside the accepted grammar.
  it.each([
    ["^(a+)+$", "groups are not allowed"],
    ["^(a|aa)*$", "groups are not allowed"],
    ["^(a|a?)+$", "groups are not allowed"],
    ["^a*a*$", "more than one part repeats a variable number of times"],
    ["^[a-z]+[0-9]*$", "more than one part repeats a variable number of times"],
    ["^\\d+\\d+x$", "more than one part repeats a variable number of times"],
    ["^a{1,9}b{2,3}$", "more than one part repeats a variable number of times"],
    ["G-[A-Z0-9]{4,20}", "it is not anchored with ^ … $"],
    ["^G-1", "it is not anchored with ^ … $"],
    ["^a\\$", "it is not anchored with ^ … $"],
    ["^a|b$", "alternation (|) is not allowed"],
    ["^a+?$", "lazy quantifiers are not allowed"],
    ["^a{2}{3}$", "it is not a valid regular expression"],
    ["^a{2}*$", "it is not a valid regular expression"],
    ["^a{2,5}?$", "lazy quantifiers are not allowed"],
    ["^(?=a)a$", "groups are not allowed"],
    ["^a\\1$", "the escape \\1 is not allowed (only \\d \\w \\s and escaped syntax characters)"],
    ["^\\bx$", "the escape \\b is not allowed (only \\d \\w \\s and escaped syntax characters)"],
    ["^a{3,1}$", "it is not a valid regular expression"],
    ["^[]a$", "an empty character class"],
    ["^a[b$", "it is not a valid regular expression"],
    ["^a{x}$", "a { that is not a quantifier {n}, {n,} or {n,m} must be escaped"],
  ])("refuses %s: %s", (source, problem) => {
    expect(linearPatternProblem(source)).toBe(problem);
  });

  // Patterns built from the accepted grammar are accepted and compile; adding a second variable
  // repetition anywhere makes them refused.
  const atom = fc.oneof(
    fc.constantFrom("a", "G", "-", "_", "\\d", "\\w", "\\.", "\\$", "."),
    fc.constantFrom("[A-Z0-9]", "[a-z_$]", "[^/]", "[\\]x]"),
  );
  const fixed = fc.constantFrom("", "{2}", "{5}");
  const variable = fc.constantFrom("?", "*", "+", "{0,63}", "{4,20}", "{1,}");
  const part = fc.tuple(atom, fixed).map(([a, q]) => a + q);
  const accepted = fc
    .tuple(fc.array(part, { maxLength: 4 }), fc.option(fc.tuple(atom, variable)), fc.array(part, { maxLength: 4 }))
    .map(([before, v, after]) => `^${before.join("")}${v ? v[0] + v[1] : ""}${after.join("")}$`);

  it("accepts what its grammar allows, and those compile", () => {
    fc.assert(
      fc.property(accepted, (source) => {
        expect(linearPatternProblem(source)).toBeNull();
        expect(() => new RegExp(source)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it("refuses a second variable repetition wherever it goes", () => {
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 3 }),
        fc.tuple(atom, variable),
        fc.array(part, { maxLength: 3 }),
        fc.tuple(atom, variable),
        fc.array(part, { maxLength: 3 }),
        (a, v1, b, v2, c) => {
          const source = `^${a.join("")}${v1.join("")}${b.join("")}${v2.join("")}${c.join("")}$`;
          expect(linearPatternProblem(source)).toBe("more than one part repeats a variable number of times");
        },
      ),
      { numRuns: 500 },
    );
  });
});
