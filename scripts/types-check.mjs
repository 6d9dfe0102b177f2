#!/usr/bin/env node
// `npm run types:check` (part of `npm run check`): fails when worker-configuration.d.ts, the Env
// type `npm run types` generates from wrangler.toml, is not what wrangler generates today.
// `wrangler types --check` only compares the config hash in the file's header, so this
// regenerates the file with the very same command, compares every byte, and puts the old file
// back when they differ. Offline: wrangler types reads wrangler.toml and nothing else.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, "worker-configuration.d.ts");
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// Keep in step with the "types" script in package.json.
const args = ["types", "--include-runtime=false"];

const before = existsSync(file) ? readFileSync(file, "utf8") : null;
const run = spawnSync(process.execPath, [wrangler, ...args], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
const after = existsSync(file) ? readFileSync(file, "utf8") : null;
if (run.status !== 0 || after === null) {
  if (before !== null) writeFileSync(file, before);
  console.error(`types:check: wrangler ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
  process.exit(1);
}
if (before !== after) {
  if (before === null) console.error("types:check: worker-configuration.d.ts is missing.");
  else writeFileSync(file, before);
  console.error(
    "types:check: worker-configuration.d.ts is out of date with wrangler.toml: run npm run types and commit the result.",
  );
  process.exit(1);
}
console.log("types:check: worker-configuration.d.ts is up to date");
