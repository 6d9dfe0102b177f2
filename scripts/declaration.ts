#!/usr/bin/env node
/**
 * `npm run declaration`: writes the cookie declaration ("Käytetyt evästeet") as Markdown, from the
 * same policy files that enforce it, to docs/declaration/{fi,sv,en}.md for the site's own pages.
 *   npm run declaration                  all three languages into docs/declaration/
 *   npm run declaration -- --lang sv     one language to standard output
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderDiagnostics } from "../src/policy/diagnostics";
import { loadPolicy } from "../src/policy/load";
import { declarationSections, renderDeclarationMarkdown } from "../src/ui/declaration";
import { isLanguage } from "../src/ui/language";
import { textsFor } from "../src/ui/texts";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "./lib/policy-files.mjs";

const loaded = loadPolicy(readPolicyFiles(process.cwd()));
if (!loaded.ok) {
  console.error(renderDiagnostics(loaded.diagnostics));
  process.exit(1);
}
const { purposes, vendors, sites } = loaded.policy;
const site = sites.find((s) => s.hosts.includes("*")) ?? sites[0];
if (!site) throw new Error("no site policy");
const sections = declarationSections(purposes, vendors);
const render = (lang: string) => renderDeclarationMarkdown({ sections, site, texts: textsFor(site, lang), lang });

const langFlag = process.argv.indexOf("--lang");
if (langFlag > -1) {
  const lang = process.argv[langFlag + 1];
  if (!isLanguage(lang, site)) {
    console.error(`--lang must be one of ${site.languages.join(", ")}`);
    process.exit(2);
  }
  process.stdout.write(render(lang));
} else {
  const dir = join(process.cwd(), "docs", "declaration");
  mkdirSync(dir, { recursive: true });
  for (const lang of site.languages) writeFileSync(join(dir, `${lang}.md`), render(lang));
  console.log(`wrote ${dir}/{${site.languages.join(",")}}.md`);
}
