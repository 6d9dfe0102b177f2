#!/usr/bin/env node
// `npm start`: the bundled demo site on 127.0.0.1:9000 and the gatekeeper in front of it on
// http://localhost:8787 (wrangler dev, offline, no account). Ctrl-C stops both.
//   DEMO_PORT=9100 PORT=8788 npm start
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoOrigin } from "./demo-origin.mjs";
import { applyLocalMigrations, wranglerBin } from "./lib/local-d1.mjs";
import { bundlePolicies } from "./policy-bundle.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const demoPort = Number(process.env.DEMO_PORT ?? 9000);
const port = Number(process.env.PORT ?? 8787);

bundlePolicies(root);
// The consent records table, before wrangler dev uses it (scripts/lib/local-d1.mjs).
const migrated = applyLocalMigrations(root);
if (migrated !== 0) {
  console.error("npm start: could not apply the local D1 migrations (see above)");
  process.exit(migrated);
}
const demo = await startDemoOrigin({ port: demoPort });
console.log(`demo origin: ${demo.url}`);

const wrangler = spawn(
  process.execPath,
  [
    wranglerBin(root),
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--var",
    `ORIGIN:${demo.url}`,
    "--show-interactive-dev-session=false",
  ],
  // No account, no telemetry, no update check: npm start works offline.
  { cwd: root, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "" } },
);
console.log(`gatekeeper:  http://localhost:${port}  (in front of ${demo.url})`);

const stop = async (code) => {
  wrangler.kill("SIGTERM");
  await demo.close();
  process.exit(code);
};
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
wrangler.on("exit", (code) => stop(code ?? 0));
