#!/usr/bin/env node
/**
 * `npm run consent:export -- --id <consent id> [--remote] [--json]`: a visitor's consent record
 * history, oldest first, for an auditor (docs/CONSENT.md, "Export for an auditor").
 *
 * Reads the CONSENT_DB D1 database through `wrangler d1 execute`: the local one that `npm start`
 * uses (.wrangler/state, offline) by default, the deployed one with --remote (needs a Cloudflare
 * login and the real database_id in wrangler.toml). The consent id is the last field of the
 * visitor's gk_consent cookie, also shown on /__gk/consent/receipt.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CONSENT_ID, formatHistory, fromRow, historySql, type RecordRow } from "../src/consent/record-history";

const USAGE = "usage: npm run consent:export -- --id <consent id> [--remote] [--json]";

function main(argv: string[]): number {
  const idAt = argv.indexOf("--id");
  const id = idAt === -1 ? undefined : argv[idAt + 1];
  const unknown = argv.filter(
    (a, i) => a.startsWith("--") && !["--id", "--remote", "--json"].includes(a) && i !== idAt + 1,
  );
  if (!id || unknown.length) {
    console.error(USAGE);
    return 2;
  }
  if (!CONSENT_ID.test(id)) {
    console.error(
      `not a consent id: ${JSON.stringify(id.slice(0, 60))} (16 to 43 letters, digits, "-" or "_")\n${USAGE}`,
    );
    return 2;
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const where = argv.includes("--remote") ? "--remote" : "--local";
  const run = spawnSync(
    process.execPath,
    [wrangler, "d1", "execute", "CONSENT_DB", where, "--json", "--command", historySql(id)],
    { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } },
  );
  if (run.status !== 0) {
    console.error(`wrangler d1 execute failed:\n${run.stderr || run.stdout}`);
    return 1;
  }
  let rows: RecordRow[];
  try {
    const output = JSON.parse(run.stdout) as Array<{ results?: RecordRow[] }>;
    rows = output.flatMap((o) => o.results ?? []);
  } catch {
    console.error(`unexpected output from wrangler d1 execute:\n${run.stdout}`);
    return 1;
  }
  const records = rows.map(fromRow);
  process.stdout.write(argv.includes("--json") ? `${JSON.stringify(records, null, 2)}\n` : formatHistory(id, records));
  return 0;
}

process.exit(main(process.argv.slice(2)));
