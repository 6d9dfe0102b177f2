import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
// @ts-expect-error plain ESM script without types
import { bundlePolicies } from "./scripts/policy-bundle.mjs";

// The worker imports the bundled policy; build it before anything is compiled.
bundlePolicies();
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
    include: ["test/{unit,policy,html,integration,ui,beacon,sources,d1,csp,consent}/**/*.test.ts"],
  },
});
