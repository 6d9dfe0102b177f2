// The consent records table in the local D1 database (.wrangler/state), applied before
// `wrangler dev` uses it, so a consent post never meets "no such table". Shared by `npm start`
// and `npm run dev`. Offline: --local never contacts Cloudflare; CI=1 answers wrangler's
// confirmation prompt. Already applied migrations are skipped, so running it each time is cheap.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** wrangler's own CLI, run with this node: no npx, no network look-up. */
export function wranglerBin(root) {
  return join(root, "node_modules", "wrangler", "bin", "wrangler.js");
}

/**
 * Applies migrations/ to the local CONSENT_DB. `wranglerArgs` are the flags given to `wrangler dev`
 * that choose which database that is (`--env`, `--persist-to`, `--config`); others are ignored.
 * Returns wrangler's exit status.
 */
export function applyLocalMigrations(root, wranglerArgs = []) {
  const run = spawnSync(
    process.execPath,
    [wranglerBin(root), "d1", "migrations", "apply", "CONSENT_DB", "--local", ...databaseFlags(wranglerArgs)],
    { cwd: root, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } },
  );
  return run.status ?? 1;
}

const WITH_VALUE = new Set(["--env", "-e", "--persist-to", "--config", "-c"]);

/** The flags among `args` that name the database: `--env x`, `--env=x`, `--persist-to dir`, `--config file`. */
export function databaseFlags(args) {
  const out = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const name = arg.split("=")[0];
    if (!WITH_VALUE.has(name)) continue;
    if (arg.includes("=")) out.push(arg);
    else if (i + 1 < args.length) out.push(arg, args[++i]);
  }
  return out;
}
