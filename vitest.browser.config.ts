import { defineConfig } from "vitest/config";

// The browser suite: headless Chromium against the demo site behind `wrangler dev`.
// Node, not workerd; one file at a time (each test launches its own Chromium, 2 cores in CI).
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/browser/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
