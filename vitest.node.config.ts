import { defineConfig } from "vitest/config";

// Node-side tests of the operator scripts (npm run audit, npm run policy:diff, ...). The audit
// still runs the gate in workerd: scripts/audit/run.ts starts it through Miniflare.
export default defineConfig({
  test: {
    include: ["test/scripts/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
