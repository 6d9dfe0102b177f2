/**
 * The CSP grammar reader (src/csp/parse.ts) against the CSP3 parsing algorithm: examples, and a
 * property over random policies written out with every freedom the grammar allows (any ASCII
 * whitespace, directive names in any case, empty directives, repeated directives, several
 * policies in one header).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  effectiveDirective,
  isHashSource,
  isNonceOrHash,
  nonceOf,
  parsePolicy,
  parsePolicyList,
} from "../../src/csp/parse";
import { pageNonce } from "../../src/http/csp";

const entries = (header: string) => parsePolicyList(header).map((p) => Object.fromEntries(p));

describe("parsePolicyList", () => {
  it("splits policies on commas, directives on semicolons, tokens on ASCII whitespace", () => {
    expect(entries("default-src 'self'; script-src 'nonce-a'\t'self' ,img-src *")).toEqual([
      { "default-src": ["'self'"], "script-src": ["'nonce-a'", "'self'"] },
      { "img-src": ["*"] },
    ]);
  });

  it("compares directive names case-insensitively and keeps the first of a repeated directive", () => {
    expect(entries("Script-SRC 'nonce-first'; script-src 'nonce-second'")).toEqual([
      { "script-src": ["'nonce-first'"] },
    ]);
  });

  it("skips empty directives and empty policies, and takes a directive with no value", () => {
    expect(entries(" ; ;upgrade-insecure-requests;; , ,")).toEqual([{ "upgrade-insecure-requests": [] }]);
    expect(parsePolicyList(null)).toEqual([]);
    expect(parsePolicyList("")).toEqual([]);
  });

  it("reads two headers of one name, which arrive joined by a comma", () => {
    const headers = new Headers();
    headers.append("content-security-policy", "script-src 'nonce-a'");
    headers.append("content-security-policy", "style-src 'sha256-x='");
    expect(entries(headers.get("content-security-policy") ?? "")).toEqual([
      { "script-src": ["'nonce-a'"] },
      { "style-src": ["'sha256-x='"] },
    ]);
  });

  it("finds the effective directive by its fallback list", () => {
    const policy = parsePolicy("default-src 'nonce-d'; style-src 'sha256-s='");
    expect(effectiveDirective(policy, ["script-src-elem", "script-src", "default-src"])).toEqual(["'nonce-d'"]);
    expect(effectiveDirective(policy, ["style-src-elem", "style-src", "default-src"])).toEqual(["'sha256-s='"]);
    expect(effectiveDirective(policy, ["img-src"])).toBeUndefined();
  });
});

describe("nonce and hash sources", () => {
  it.each([
    ["'nonce-abc123'", "abc123", false],
    ["'NONCE-abc+/_-=='", "abc+/_-==", false],
    ["'sha256-AbC+/='", null, true],
    ["'SHA512-x'", null, true],
    ["'sha1-x'", null, false],
    ["'nonce-'", null, false],
    ["'nonce-a b'", null, false],
    ["'nonce-a=b'", null, false],
    ["nonce-abc", null, false],
    ["'sha256-'", null, false],
  ])("%s", (token, nonce, hash) => {
    expect(nonceOf(token)).toBe(nonce);
    expect(isHashSource(token)).toBe(hash);
    expect(isNonceOrHash(token)).toBe(nonce !== null || hash);
  });
});

describe("pageNonce (the nonce the gatekeeper's own injected script and style reuse)", () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ["script-src", { "content-security-policy": "script-src 'nonce-s1'" }, "s1"],
    ["default-src only", { "content-security-policy": "default-src 'self' 'nonce-d1'" }, "d1"],
    [
      "script-src-elem before script-src",
      { "content-security-policy": "script-src 'nonce-b'; script-src-elem 'nonce-a'" },
      "a",
    ],
    ["not from img-src", { "content-security-policy": "img-src 'nonce-i'; script-src 'self'" }, undefined],
    ["style-src when scripts have none", { "content-security-policy": "style-src 'nonce-st'" }, "st"],
    ["report-only when nothing is enforced", { "content-security-policy-report-only": "script-src 'nonce-r'" }, "r"],
    [
      "enforced before report-only",
      {
        "content-security-policy": "script-src 'nonce-e'",
        "content-security-policy-report-only": "script-src 'nonce-r'",
      },
      "e",
    ],
    ["none", {}, undefined],
  ])("%s", (_name, headers, nonce) => {
    expect(pageNonce(new Headers(headers))).toBe(nonce);
  });
});

const NAMES = ["default-src", "script-src", "script-src-elem", "style-src", "img-src", "report-uri", "sandbox"];
const TOKEN = fc.stringMatching(/^[A-Za-z0-9'*:/.+=_-]{1,12}$/);
const SPACE = fc.constantFrom(" ", "\t", "\n", "\f", "\r", "  ", " \t ");

describe("property: a policy written out any way the grammar allows reads back as written", () => {
  it("whitespace, name case, empty and repeated directives, several policies", () => {
    const directive = fc.record({ name: fc.constantFrom(...NAMES), tokens: fc.array(TOKEN, { maxLength: 4 }) });
    const policy = fc.array(directive, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(policy, { minLength: 1, maxLength: 3 }),
        fc.infiniteStream(SPACE),
        fc.infiniteStream(fc.boolean()),
        (policies, spaces, flips) => {
          const space = () => spaces.next().value as string;
          const caseOf = (name: string) => [...name].map((c) => (flips.next().value ? c.toUpperCase() : c)).join("");
          const header = policies
            .map((p) =>
              p
                .map((d) => `${space()}${caseOf(d.name)}${d.tokens.map((t) => `${space()}${t}`).join("")}${space()}`)
                .join(flips.next().value ? ";" : "; ;"),
            )
            .join(",");
          const expected = policies.map((p) => {
            const model = new Map<string, string[]>();
            for (const d of p) if (!model.has(d.name)) model.set(d.name, d.tokens);
            return Object.fromEntries(model);
          });
          expect(entries(header)).toEqual(expected);
        },
      ),
    );
  });
});
