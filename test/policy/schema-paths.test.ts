/** "Did you mean" for unknown keys, and reading the schema by field path. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { siteFileSchema, vendorFileSchema } from "../../src/policy/schema";
import { didYouMean, isTextAt, keysAt } from "../../src/policy/schema-paths";

const VENDOR_KEYS = keysAt(vendorFileSchema, []) ?? [];

describe("didYouMean", () => {
  it.each([
    ["cookie", "cookies"],
    ["selector", "selectors"],
    ["purpse", "purpose"],
    ["Hosts", "hosts"],
    ["privacypolicy", "privacyPolicy"],
    ["inlnie", "inline"],
  ])("%s → %s", (typo, key) => {
    expect(didYouMean(typo, VENDOR_KEYS)).toBe(key);
  });

  it.each([["colour"], ["expires"], ["x"], ["description"]])("no guess for %s", (unknown) => {
    expect(didYouMean(unknown, VENDOR_KEYS)).toBeUndefined();
  });

  it("any one-character slip in a key of five or more letters is traced back to it", () => {
    const keys = VENDOR_KEYS.filter((k) => k.length >= 5);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.nat(), fc.constantFrom("delete", "swap", "replace"), (key, n, op) => {
        const i = n % (key.length - 1);
        const typo =
          op === "delete"
            ? key.slice(0, i) + key.slice(i + 1)
            : op === "swap"
              ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2)
              : `${key.slice(0, i)}q${key.slice(i + 1)}`;
        fc.pre(typo !== key);
        const guess = didYouMean(typo, VENDOR_KEYS);
        expect(guess).toBeDefined();
        // The guess is as close as the key itself (another key may tie, never be further).
        expect(guess === key || Math.abs((guess?.length ?? 0) - typo.length) <= 2).toBe(true);
      }),
    );
  });
});

describe("the schema by path", () => {
  it("knows the keys of nested objects and list items", () => {
    expect(keysAt(vendorFileSchema, ["cookies", 0])).toEqual(["name", "lifetime", "domain", "path", "description"]);
    expect(keysAt(siteFileSchema, ["consent"])).toEqual(["cookie", "lifetimeDays", "default", "sources"]);
    expect(keysAt(vendorFileSchema, ["hosts", 0])).toBeUndefined();
  });

  it("knows which fields are texts per language", () => {
    expect(isTextAt(vendorFileSchema, ["cookies", 3, "description"])).toBe(true);
    expect(isTextAt(vendorFileSchema, ["placeholder", "text"])).toBe(true);
    expect(isTextAt(vendorFileSchema, ["cookies", 3])).toBe(false);
    expect(isTextAt(siteFileSchema, ["ui", "texts"])).toBe(false);
  });
});
