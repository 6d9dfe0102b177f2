#!/usr/bin/env node
/**
 * `npm run policy:smoke`: each vendor in policies/ works as its own file says (scripts/lib/smoke.ts):
 * an element built from each URL rule, host and inline snippet is removed without consent and kept
 * with the vendor's purpose allowed, through the real gate in workerd. Exits 1 on any failure.
 *   npm run policy:smoke [-- --dir <project root>]
 */
import { join, resolve } from "node:path";
import { describeFailure, smokePolicies } from "./lib/smoke";

const dirFlag = process.argv.indexOf("--dir");
const root = resolve(dirFlag > -1 ? (process.argv[dirFlag + 1] ?? ".") : ".");
const { cases, failures } = await smokePolicies(join(root, "policies"));
if (failures.length) {
  console.error(`policy smoke: ${failures.length} of ${cases.length * 2} checks failed:`);
  for (const f of failures) console.error(`- ${describeFailure(f)}`);
  process.exit(1);
}
const vendors = new Set(cases.map((c) => c.vendor)).size;
console.log(
  `policy smoke ok: ${cases.length} elements of ${vendors} vendors, each removed without consent and kept with its purpose`,
);
