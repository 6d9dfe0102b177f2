/**
 * The gatekeeper's CSP beside the origin's own must never block an inline script or style that
 * the origin's policy allows (a nonce or hash in a directive switches `'unsafe-inline'` off
 * there), and must keep `'unsafe-inline'` working wherever the origin relies on it. Judged by a
 * model of the browser written from CSP3 (inline-model.ts), in a current and an older browser,
 * over examples and random sets of origin directives.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCsp } from "../../src/csp/header";
import { originInlineSources } from "../../src/csp/origin";
import { type CspPolicy, effectiveDirective, isNonceOrHash, parsePolicy, parsePolicyList } from "../../src/csp/parse";
import { allAllow, allowsInline, BROWSERS, CHECKS, chainOf, type InlineItem } from "./inline-model";

const ours = (origin: string) => parsePolicy(buildCsp([], originInlineSources(parsePolicyList(origin)), false));
const directive = (policy: CspPolicy, name: string) => policy.get(name);

describe("nonces and hashes go only where the origin has them for that kind", () => {
  it("a style-src hash stays out of the script directives, so inline scripts keep running", () => {
    const policy = ours("script-src 'self' 'unsafe-inline'; style-src 'self' 'sha256-StYlE='");
    expect(directive(policy, "script-src")).toEqual(["'self'", "'unsafe-inline'", "'unsafe-eval'"]);
    expect(directive(policy, "style-src")).toEqual(["'self'", "'unsafe-inline'", "'sha256-StYlE='"]);
    expect(directive(policy, "style-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(allowsInline(policy, "current", "scriptElem", { sha256: "any=" })).toBe(true);
    expect(allowsInline(policy, "legacy", "scriptAttr", { sha256: "any=" })).toBe(true);
  });

  it("a nonce in default-src only governs scripts and styles, so it goes into both", () => {
    const policy = ours("default-src 'self' 'nonce-D3f'");
    expect(directive(policy, "script-src")).toContain("'nonce-D3f'");
    expect(directive(policy, "style-src")).toContain("'nonce-D3f'");
    expect(directive(policy, "script-src-attr")).toEqual(["'unsafe-inline'"]);
    expect(directive(policy, "default-src")).toEqual(["'self'"]);
  });

  it("a default-src nonce does not reach scripts when script-src exists", () => {
    const policy = ours("default-src 'nonce-D'; script-src 'self' 'unsafe-inline'");
    expect(directive(policy, "script-src")).not.toContain("'nonce-D'");
    expect(directive(policy, "style-src")).toContain("'nonce-D'");
  });

  it("script-src-elem, script-src-attr and other directives each keep their own", () => {
    const policy = ours(
      "script-src 'unsafe-inline'; script-src-elem 'nonce-E'; script-src-attr 'sha256-A=' 'unsafe-hashes'; img-src 'nonce-I'",
    );
    expect(directive(policy, "script-src")).toEqual(["'self'", "'unsafe-inline'", "'unsafe-eval'"]);
    expect(directive(policy, "script-src-elem")).toEqual(["'self'", "'unsafe-inline'", "'nonce-E'"]);
    expect(directive(policy, "script-src-attr")).toBeUndefined();
    expect(buildCsp([], originInlineSources(parsePolicyList("img-src 'nonce-I'")), false)).not.toContain("nonce-I");
  });

  it("'unsafe-hashes' travels with the hashes into the general directive", () => {
    const policy = ours("script-src 'sha256-H=' 'unsafe-hashes'");
    expect(directive(policy, "script-src")).toEqual(
      expect.arrayContaining(["'sha256-H='", "'unsafe-hashes'", "'unsafe-inline'"]),
    );
    expect(allowsInline(policy, "legacy", "scriptAttr", { sha256: "H=" })).toBe(true);
  });

  it("several origin policies: the union, never 'strict-dynamic'", () => {
    const policy = ours("script-src 'nonce-a' 'strict-dynamic', script-src 'nonce-b'");
    expect(directive(policy, "script-src")).toEqual(expect.arrayContaining(["'nonce-a'", "'nonce-b'"]));
    expect([...policy.values()].flat()).not.toContain("'strict-dynamic'");
  });

  it("an origin without a CSP: inline code is allowed everywhere, default-src covers the rest", () => {
    const policy = ours("");
    for (const browser of BROWSERS)
      for (const check of CHECKS) expect(allowsInline(policy, browser, check, { nonce: "x", sha256: "y=" })).toBe(true);
    expect(directive(policy, "default-src")).toEqual(["'self'"]);
    expect(directive(policy, "media-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(directive(policy, "worker-src")).toEqual(["'self'", "blob:"]);
  });
});

// Random origin policies from a small pool, so that nonces, hashes and their checks collide.
const NONCES = ["n1", "n2", "N3"];
const HASHES = ["h1=", "h2=", "h3="];
const TOKENS = [
  "'self'",
  "'unsafe-inline'",
  "'unsafe-hashes'",
  "'strict-dynamic'",
  "'unsafe-eval'",
  "https://cdn.example",
  ...NONCES.map((n) => `'nonce-${n}'`),
  "'NONCE-n1'",
  ...HASHES.map((h) => `'sha256-${h}'`),
  "'SHA256-h2='",
];
const DIRECTIVES = [
  "default-src",
  "script-src",
  "script-src-elem",
  "script-src-attr",
  "style-src",
  "style-src-elem",
  "style-src-attr",
  "img-src",
  "connect-src",
  "font-src",
];
const originPolicy = fc
  .array(fc.tuple(fc.constantFrom(...DIRECTIVES), fc.subarray(TOKENS)), { maxLength: 6 })
  .map((ds) => ds.map(([name, tokens]) => `${name} ${tokens.join(" ")}`).join("; "));
const originHeader = fc.array(originPolicy, { minLength: 1, maxLength: 3 }).map((ps) => ps.join(", "));
const ITEMS: InlineItem[] = [undefined, ...NONCES, "other"].flatMap((nonce) =>
  [...HASHES, "other="].map((sha256) => ({ nonce, sha256 })),
);

describe("property: over random origin directive sets", () => {
  it("whatever every origin policy allows inline, the gatekeeper's policy allows too", () => {
    fc.assert(
      fc.property(originHeader, (header) => {
        const origin = parsePolicyList(header);
        const gate = ours(header);
        for (const browser of BROWSERS)
          for (const check of CHECKS)
            for (const item of ITEMS)
              if (allAllow(origin, browser, check, item))
                expect(allowsInline(gate, browser, check, item), `${browser} ${check} ${JSON.stringify(item)}`).toBe(
                  true,
                );
      }),
    );
  });

  it("where no origin policy has a nonce or hash for a check, 'unsafe-inline' works for it in ours", () => {
    fc.assert(
      fc.property(originHeader, (header) => {
        const origin = parsePolicyList(header);
        const gate = ours(header);
        for (const browser of BROWSERS)
          for (const check of CHECKS) {
            const originHas = origin.some((p) =>
              (effectiveDirective(p, chainOf(browser, check)) ?? []).some(isNonceOrHash),
            );
            if (originHas) continue;
            for (const item of ITEMS) expect(allowsInline(gate, browser, check, item)).toBe(true);
          }
      }),
    );
  });

  it("every nonce or hash in ours comes from the origin's script or style directives of that kind", () => {
    fc.assert(
      fc.property(originHeader, (header) => {
        const origin = parsePolicyList(header);
        const gate = ours(header);
        const fromChain = (chain: readonly string[]) =>
          new Set(origin.flatMap((p) => (effectiveDirective(p, chain) ?? []).filter(isNonceOrHash)));
        const expected: Record<string, Set<string>> = {
          "script-src": fromChain(["script-src", "default-src"]),
          "script-src-elem": fromChain(["script-src-elem", "script-src", "default-src"]),
          "style-src": fromChain(["style-src", "default-src"]),
          "style-src-elem": fromChain(["style-src-elem", "style-src", "default-src"]),
        };
        for (const [name, tokens] of gate) {
          const inline = tokens.filter(isNonceOrHash);
          if (!(name in expected)) expect(inline, name).toEqual([]);
          else expect(new Set(inline), name).toEqual(expected[name]);
        }
        // An element directive left out falls back to the general one, which then has the same.
        for (const kind of ["script", "style"])
          if (!gate.has(`${kind}-src-elem`)) expect(expected[`${kind}-src-elem`]).toEqual(expected[`${kind}-src`]);
        expect(gate.has("default-src")).toBe(true);
      }),
    );
  });
});
