import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";
// @ts-expect-error plain ESM script without types
import { bundlePolicies, bundleTestPolicies } from "./scripts/policy-bundle.mjs";

// The worker imports the bundled policy, and the tests their own (test/fixtures/policies,
// test/README.md); build both before anything is compiled.
bundlePolicies();
bundleTestPolicies();
// The consent records schema, applied to the test D1 database by test/helpers/apply-migrations.ts.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // A real HTTP origin on loopback, for what only a real fetch shows (content decoding).
        bindings: { STUB_ORIGIN: `http://127.0.0.1:${inject("stubOriginPort")}`, TEST_MIGRATIONS: migrations },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    setupFiles: ["./test/helpers/apply-migrations.ts"],
    // Every test under test/ runs here, in workerd, except the two suites with their own runtime:
    // test/browser/ (Chromium, vitest.browser.config.ts) and test/scripts/ plus *.node.test.ts
    // (Node, vitest.node.config.ts). A new folder can never silently not run (test/README.md).
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/browser/**", "test/scripts/**", "test/**/*.node.test.ts"],
  },
});
