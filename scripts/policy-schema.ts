#!/usr/bin/env node
/**
 * `npm run policy:schema`: writes policies/schema/*.json from src/policy/schema.ts for editors,
 * with a description on each field (scripts/lib/schema-docs.ts) and the site's own purpose ids
 * (policies/purposes.yaml) as an enum wherever a purpose is named, and the site's languages as the
 * keys of every visitor text, so editors autocomplete them.
 * Rerun after changing the purposes; `npm run policy:check` fails while the schemas are stale.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { LANGUAGE, purposesFileSchema, siteFileSchema, vendorFileSchema } from "../src/policy/schema";
import { describeSchema, nodeAt, SCHEMA_DOCS } from "./lib/schema-docs";

/** The purpose ids declared in `<root>/policies/purposes.yaml`; none when it does not read. */
export function purposeIds(root: string): string[] {
  try {
    const file = parse(readFileSync(join(root, "policies", "purposes.yaml"), "utf8")) as {
      purposes?: Array<{ id?: unknown; required?: unknown }>;
    };
    return (file.purposes ?? []).flatMap((p) => (typeof p.id === "string" ? [p.id] : []));
  } catch {
    return [];
  }
}

/** The languages the site files in `<root>/policies/sites/` list; none when they do not read. */
export function siteLanguages(root: string): string[] {
  const languages = new Set<string>();
  try {
    const dir = join(root, "policies", "sites");
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const site = parse(readFileSync(join(dir, name), "utf8")) as { languages?: unknown };
      if (Array.isArray(site?.languages)) for (const l of site.languages) if (typeof l === "string") languages.add(l);
    }
  } catch {}
  return [...languages];
}

type Node = Record<string, unknown>;

/**
 * Every per-language map (visitor texts, ui.texts) gets the site's languages as named properties,
 * so editors complete `fi:`, `sv:`, `en:` and flag a missing one, as the check does.
 */
function nameLanguages(node: unknown, languages: readonly string[]): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) nameLanguages(item, languages);
    return;
  }
  const n = node as Node;
  const names = n.propertyNames as Node | undefined;
  if (n.type === "object" && names?.pattern === LANGUAGE.source && n.additionalProperties && !n.properties) {
    n.properties = Object.fromEntries(languages.map((l) => [l, n.additionalProperties]));
  }
  for (const value of Object.values(n)) nameLanguages(value, languages);
}

export function schemaFiles(root = process.cwd()): Record<string, string> {
  const purposes = purposeIds(root);
  const languages = siteLanguages(root);
  const render = (schema: z.ZodType, title: string, docs: Record<string, string>, purposePaths: string[]) => {
    const generated = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    const json = describeSchema({ title, ...generated }, docs);
    for (const path of purposes.length ? purposePaths : []) {
      const node = nodeAt(json, path);
      if (node) node.enum = purposes;
    }
    if (languages.length) nameLanguages(json, languages);
    return `${JSON.stringify(json, null, 2)}\n`;
  };
  return {
    "purposes.schema.json": render(purposesFileSchema, "tag-gatekeeper purposes", SCHEMA_DOCS.purposes, []),
    "site.schema.json": render(siteFileSchema, "tag-gatekeeper site policy", SCHEMA_DOCS.site, ["gpc.refuses[]"]),
    "vendor.schema.json": render(vendorFileSchema, "tag-gatekeeper vendor", SCHEMA_DOCS.vendor, ["purpose"]),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(process.cwd(), "policies", "schema");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) writeFileSync(join(dir, name), text);
  console.log(`wrote ${dir}`);
}
