// compatibility_date from wrangler.toml, so every local run of the worker (the audit, the golden
// updater, the bench) uses the runtime behaviour it deploys with.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export function compatibilityDate(root) {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  return date;
}
