/// <reference types="vite/client" />
/**
 * Golden files, in the style of lol-html's tests/data/selector_matching: every vendor snippet in
 * test/fixtures/vendors and every page in test/fixtures/pages, under each consent state, goes
 * through the real gate and must come out exactly as test/html/golden/<vendor>/<fixture>.<state>.html
 * says, once the elements the gatekeeper injects (marked data-gatekeeper, which the contract
 * allows; test/helpers/injected.ts) are cut out: goldens are about what is removed. Each input is replayed in one chunk, one byte at a time, cut inside every multi-byte
 * character, and at random chunk sizes from fast-check (the seed is in any failure message): the
 * output must not depend on the chunking. With every purpose allowed there is no golden: the
 * output must be the input, byte for byte (apart from injected elements).
 *
 * Goldens are written by `UPDATE_GOLDEN=1 npx tsx test/html/update-golden.ts` (see there); a test
 * inside workerd cannot write files. Independently of the goldens, the output is parsed with
 * parse5 and must make no contact with a refused vendor (test/helpers/vendor-oracle.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SITE } from "../helpers/gate";
import {
  bytewise,
  chunkSizes,
  cut,
  cutInsideCharacters,
  describeChunks,
  expectPage,
  runGate,
  splitCharacters,
  utf8,
} from "../helpers/streaming";
import { refusedContacts } from "../helpers/vendor-oracle";
import { ALL_PURPOSES, fixtureKey, GOLDEN_STATES, type GoldenState, goldenKey, goldenPath } from "./golden-cases";

const FIXTURES: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>(["../fixtures/vendors/*/*.html", "../fixtures/pages/*.html"], {
      query: "?raw",
      import: "default",
      eager: true,
    }),
  ).map(([path, text]) => [fixtureKey(path), text]),
);
const GOLDENS: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>("./golden/**/*.html", { query: "?raw", import: "default", eager: true })).map(
    ([path, text]) => [goldenKey(path), text],
  ),
);
const STATES = Object.keys(GOLDEN_STATES) as GoldenState[];
const PAGE = new URL("/", SITE);
/** Random chunkings per fixture and state, on top of the fixed ones. */
const RANDOM_RUNS = 4;

/**
 * Vendor contacts the test policy does not catch yet. The goldens record what the gate does
 * today; these entries keep that visible. Each must still occur: once the policy catches it,
 * this test fails and the entry (and the affected goldens) must be updated.
 */
const KNOWN_GAPS: Array<{ fixture: string; purpose: string; detail: string; why: string }> = [];

const FIXTURE_KEYS = Object.keys(FIXTURES).sort();
const HINT = "regenerate with UPDATE_GOLDEN=1 npx tsx test/html/update-golden.ts, then read the diff";

describe("golden files", () => {
  it("cover every vendor fixture and page, and only those", () => {
    expect(FIXTURE_KEYS.filter((k) => k.startsWith("vendors/")).length).toBeGreaterThanOrEqual(20);
    expect(FIXTURE_KEYS.filter((k) => k.startsWith("pages/")).length).toBeGreaterThanOrEqual(1);
    const expected = FIXTURE_KEYS.flatMap((f) => STATES.map((s) => goldenPath(f, s))).sort();
    expect(Object.keys(GOLDENS).sort(), HINT).toEqual(expected);
  });
});

function isKnownGap(fixture: string, allowed: readonly string[], detail: string): boolean {
  return KNOWN_GAPS.some((g) => g.fixture === fixture && !allowed.includes(g.purpose) && detail.includes(g.detail));
}

/**
 * Feeds the fixture whole, one byte at a time, cut inside every multi-byte character and at
 * random chunk sizes; the page (without injected elements) must be `expected` every time, or,
 * when `repointed`, `expected` with vendor tags re-pointed under /__gk/ (the contract allows
 * both). Returns the whole-chunk output.
 */
async function expectAnyChunking(
  fixture: string,
  allow: readonly string[],
  expected: string,
  label: string,
  repointed = false,
): Promise<string> {
  const bytes = utf8(FIXTURES[fixture]!);
  const check = async (chunks: Uint8Array[], how: string) => {
    const out = await runGate(chunks, { allow });
    expect(out.status).toBe(200);
    const message = `${fixture} (${label}) fed ${how} [${describeChunks(chunks)}]`;
    if (repointed) expectPage(out.page, expected, message);
    else expect(out.page, message).toBe(expected);
    return out.text;
  };
  const whole = await check([bytes], "whole");
  await check(bytewise(bytes), "one byte at a time");
  const inside = cutInsideCharacters(bytes);
  if (bytes.length !== FIXTURES[fixture]!.length) expect(splitCharacters(inside)).toBeGreaterThan(0);
  await check(inside, "cut inside every multi-byte character");
  await fc.assert(
    fc.asyncProperty(chunkSizes, async (sizes) => {
      await check(cut(bytes, sizes), `at sizes ${sizes.join(",")}`);
    }),
    { numRuns: RANDOM_RUNS },
  );
  return whole;
}

describe.each(FIXTURE_KEYS)("%s", (fixture) => {
  it.each(STATES)(
    "matches its golden file with %s allowed",
    async (state) => {
      const golden = GOLDENS[goldenPath(fixture, state)];
      expect(golden, `golden/${goldenPath(fixture, state)} is missing: ${HINT}`).toBeTypeOf("string");
      const allowed: readonly string[] = GOLDEN_STATES[state];
      const output = await expectAnyChunking(fixture, allowed, golden!, state);

      // Independently of the golden: parse5 finds no contact with a refused vendor in the whole
      // output, injected elements included, except the known gaps, which must still be there.
      const contacts = refusedContacts(output, PAGE, allowed);
      expect(contacts.filter((c) => !isKnownGap(fixture, allowed, c.detail))).toEqual([]);
      for (const gap of KNOWN_GAPS.filter((g) => g.fixture === fixture && !allowed.includes(g.purpose)))
        expect(
          contacts.some((c) => c.detail.includes(gap.detail)),
          `known gap fixed? (${gap.why}): remove it from KNOWN_GAPS and ${HINT}`,
        ).toBe(true);
    },
    30_000,
  );

  it("passes byte for byte with every purpose allowed", async () => {
    await expectAnyChunking(fixture, ALL_PURPOSES, FIXTURES[fixture]!, "all", true);
  }, 30_000);

  it("comes out the same with no consent cookie as with consent to nothing", async () => {
    const out = await runGate([utf8(FIXTURES[fixture]!)], { allow: null });
    expect(out.page).toBe(GOLDENS[goldenPath(fixture, "none")]);
  });
});

describe("the oracle", () => {
  // The oracle must see the vendor tags in the fixtures, or its silence above means nothing.
  it.each(FIXTURE_KEYS.filter((k) => k.startsWith("vendors/") && !k.includes("event-snippet")))(
    "finds a vendor contact in %s as written",
    (fixture) => {
      expect(refusedContacts(FIXTURES[fixture]!, PAGE, [])).not.toEqual([]);
    },
  );
});
