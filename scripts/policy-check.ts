#!/usr/bin/env node
/**
 * `npm run policy:check`: validates every file in policies/ and prints every error at once,
 * each with file, field path, what was expected and how to fix it. Exits 1 on any error.
 * Every vendor selector is parsed by lol-html itself, in workerd, exactly as the worker parses it.
 * Also fails when policies/schema/ (the JSON Schemas for editors) is out of date.
 *   npm run policy:check [-- --dir <project root>]
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderDiagnostics } from "../src/policy/diagnostics";
import { loadPolicy } from "../src/policy/load";
import { lookAlikeSelectorWarning } from "../src/policy/selectors";
// @ts-expect-error plain ESM helper without types
import { lineOf, readPolicyFiles, readPolicySources } from "./lib/policy-files.mjs";
import { runtimeSelectorDiagnostics } from "./lib/runtime-selectors";
import { schemaFiles } from "./policy-schema";

const dirFlag = process.argv.indexOf("--dir");
const root = resolve(dirFlag > -1 ? (process.argv[dirFlag + 1] ?? ".") : ".");
const files = readPolicyFiles(root);
const result = loadPolicy(files);
// The check is the runtime: every selector is parsed by lol-html in workerd, as the worker would.
const diagnostics = [...(result.ok ? [] : result.diagnostics), ...(await runtimeSelectorDiagnostics(files))];
if (dirFlag === -1) {
  for (const [name, text] of Object.entries(schemaFiles(root))) {
    let current = "";
    try {
      current = readFileSync(join(root, "policies", "schema", name), "utf8");
    } catch {}
    if (current !== text)
      diagnostics.push({
        file: `policies/schema/${name}`,
        path: "",
        expected: "the JSON Schema generated from src/policy/schema.ts",
        received: current ? "an outdated copy" : "no file",
        fix: "run npm run policy:schema and commit the result",
      });
  }
}
// Each diagnostic's line in its file, so an editor can jump there (file:line).
const sources: Record<string, string> = readPolicySources(root);
for (const d of diagnostics) {
  const text = sources[d.file];
  if (d.line === undefined && text !== undefined) {
    const line = lineOf(text, d.path);
    if (line !== undefined) d.line = line;
  }
}
if (diagnostics.length) {
  console.error(renderDiagnostics(diagnostics));
  process.exit(1);
}
// Warnings do not fail the check: selectors that may also take the site's own elements.
for (const [file, content] of Object.entries(readPolicyFiles(root) as Record<string, unknown>)) {
  const selectors = (content as { selectors?: unknown } | null)?.selectors;
  if (!file.startsWith("policies/vendors/") || !Array.isArray(selectors)) continue;
  selectors.forEach((selector, i) => {
    const warning = typeof selector === "string" ? lookAlikeSelectorWarning(selector) : null;
    if (warning)
      console.warn(
        `warning: ${file} at selectors[${i}]: ${warning}\n    fix: name the vendor's own class token in classTokens (e.g. "^widget-[0-9a-f]{8}$"), or a selector only the vendor's markup has`,
      );
  });
}
const p = result.ok ? result.policy : undefined;
console.log(`policy ok: ${p?.purposes.length} purposes, ${p?.sites.length} site(s), ${p?.vendors.length} vendors`);
