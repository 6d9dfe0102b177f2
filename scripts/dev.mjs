#!/usr/bin/env node
// `npm run dev [-- <wrangler dev flags>]`: wrangler dev on this worker, after applying the local
// D1 migrations, so consent posts are recorded from the first one. In front of another origin:
//   npm run dev -- --var ORIGIN:http://127.0.0.1:3000
// (`npm start` does the same in front of the bundled demo site.) wrangler's [build] step bundles
// policies/ first and again whenever a policy file changes.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { applyLocalMigrations, wranglerBin } from "./lib/local-d1.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);

const migrated = applyLocalMigrations(root, args);
if (migrated !== 0) {
  console.error("npm run dev: could not apply the local D1 migrations (see above)");
  process.exit(migrated);
}
// No telemetry unless asked for (WRANGLER_SEND_METRICS=true npm run dev), as in npm start.
const env = { WRANGLER_SEND_METRICS: "false", ...process.env };
const wrangler = spawn(process.execPath, [wranglerBin(root), "dev", ...args], { cwd: root, stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => wrangler.kill(signal));
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
