/**
 * Which golden file belongs to which fixture and consent state. Shared by golden.test.ts (in
 * workerd) and update-golden.ts (in Node), so both name the files the same way.
 *
 *   test/fixtures/vendors/<vendor>/<fixture>.html -> test/html/golden/<vendor>/<fixture>.<state>.html
 *   test/fixtures/pages/<page>.html               -> test/html/golden/pages/<page>.<state>.html
 *
 * With every purpose allowed the output must equal the input byte for byte: no golden for that.
 */
export const GOLDEN_STATES = {
  none: [],
  functional: ["functional"],
  analytics: ["analytics"],
  marketing: ["marketing"],
  social: ["social"],
} as const satisfies Record<string, readonly string[]>;

export type GoldenState = keyof typeof GOLDEN_STATES;

export const ALL_PURPOSES = ["functional", "analytics", "marketing", "social"] as const;

/** `vendors/elfsight/platform-async.html` or `pages/blog-article.html`, relative to test/fixtures. */
export function goldenPath(fixture: string, state: GoldenState): string {
  const rel = fixture.replace(/^vendors\//, "").replace(/\.html$/, "");
  return `${rel}.${state}.html`;
}

/** A fixture's key from a path that ends in `fixtures/<key>`. */
export function fixtureKey(path: string): string {
  const at = path.lastIndexOf("fixtures/");
  return path.slice(at + "fixtures/".length);
}

/** A golden's key (relative to test/html/golden) from a path that ends in `golden/<key>`. */
export function goldenKey(path: string): string {
  const at = path.lastIndexOf("golden/");
  return path.slice(at + "golden/".length);
}
