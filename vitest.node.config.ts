import { defineConfig } from "vitest/config";

// Node-side tests: the operator scripts (npm run audit, npm run policy:diff, ...) and any test
// named *.node.test.ts (the layer check of src/ reads the files with the TypeScript compiler).
// The audit still runs the gate in workerd: scripts/audit/run.ts starts it through Miniflare.
export default defineConfig({
  test: {
    include: ["test/scripts/**/*.test.ts", "test/**/*.node.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
