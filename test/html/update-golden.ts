/**
 * Writes the golden files golden.test.ts compares against. The gate only runs in workerd, and a
 * test inside workerd cannot write files, so this script bundles the same test helper the tests
 * drive (makeGate + consentCookie from test/helpers/gate.ts) into a tiny worker, runs it in
 * Miniflare (the same workerd), and writes what the gate answers for each fixture and state,
 * without the elements the gatekeeper injects (marked data-gatekeeper; see test/helpers/injected.ts).
 *
 *   npx tsx test/html/update-golden.ts                    report missing and stale goldens, exit 1 if any
 *   UPDATE_GOLDEN=1 npx tsx test/html/update-golden.ts    also create the missing ones
 *   UPDATE_GOLDEN=all npx tsx test/html/update-golden.ts  also rewrite the stale ones
 *
 * A golden is a claim about what the browser may see: read every file this writes before
 * committing it (vendor tags gone for refused purposes, every other byte as in the fixture).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
// @ts-expect-error plain ESM helper without types
import { compatibilityDate } from "../../scripts/lib/compatibility-date.mjs";
// @ts-expect-error plain ESM script without types
import { bundlePolicies, bundleTestPolicies } from "../../scripts/policy-bundle.mjs";
import { withoutInjected } from "../helpers/injected";
import { GOLDEN_STATES, type GoldenState, goldenPath } from "./golden-cases";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const fixturesDir = join(root, "test", "fixtures");
const goldenDir = join(here, "golden");

function fixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".html")) out.push(relative(fixturesDir, path).split("\\").join("/"));
    }
  };
  for (const sub of ["vendors", "pages"]) if (existsSync(join(fixturesDir, sub))) walk(join(fixturesDir, sub));
  return out.sort();
}

const WORKER = `
import { consentCookie, makeGate } from "./test/helpers/gate";
export default {
  async fetch(req) {
    const { body, allow } = await req.json();
    const { request } = makeGate(() => new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } }));
    const res = await request("/", { headers: { cookie: consentCookie(allow) } });
    return new Response(await res.text(), { status: res.status });
  },
};
`;

async function main() {
  const mode = process.env.UPDATE_GOLDEN ?? "";
  // The gate runs on the tests' own policy (test/helpers/gate.ts); src/policy/active.ts imports the shipped bundle.
  bundlePolicies(root);
  bundleTestPolicies(root);
  const bundle = await build({
    stdin: { contents: WORKER, resolveDir: root, loader: "ts", sourcefile: "golden-worker.ts" },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const mf = new Miniflare({ modules: true, script, compatibilityDate: compatibilityDate(root) });
  let missing = 0;
  let stale = 0;
  let written = 0;
  try {
    for (const fixture of fixtures()) {
      const body = readFileSync(join(fixturesDir, fixture), "utf8");
      for (const state of Object.keys(GOLDEN_STATES) as GoldenState[]) {
        const res = await mf.dispatchFetch("https://golden.invalid/", {
          method: "POST",
          body: JSON.stringify({ body, allow: GOLDEN_STATES[state] }),
        });
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${fixture} (${state}): gate answered ${res.status}: ${text}`);
        const out = withoutInjected(text);
        const file = join(goldenDir, goldenPath(fixture, state));
        const exists = existsSync(file);
        const same = exists && readFileSync(file, "utf8") === out;
        if (same) continue;
        if (exists) stale++;
        else missing++;
        const write = exists ? mode === "all" : mode === "1" || mode === "all";
        console.log(`${exists ? "stale  " : "missing"} ${relative(root, file)}${write ? " (written)" : ""}`);
        if (write) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, out);
          written++;
        }
      }
    }
  } finally {
    await mf.dispose();
  }
  console.log(`${missing} missing, ${stale} stale, ${written} written`);
  if (missing + stale > written) process.exitCode = 1;
}

await main();
