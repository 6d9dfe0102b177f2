#!/usr/bin/env node
/**
 * `npm run policy:schema`: writes policies/schema/*.json from src/policy/schema.ts for editors,
 * with a description on each field (scripts/lib/schema-docs.ts) and the site's own purpose ids
 * (policies/purposes.yaml) as an enum wherever a purpose is named, so editors autocomplete them.
 * Rerun after changing the purposes; `npm run policy:check` fails while the schemas are stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";
import { purposesFileSchema, siteFileSchema, vendorFileSchema } from "../src/policy/schema";
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

export function schemaFiles(root = process.cwd()): Record<string, string> {
  const purposes = purposeIds(root);
  const render = (schema: z.ZodType, title: string, docs: Record<string, string>, purposePaths: string[]) => {
    const generated = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
    const json = describeSchema({ title, ...generated }, docs);
    for (const path of purposes.length ? purposePaths : []) {
      const node = nodeAt(json, path);
      if (node) node.enum = purposes;
    }
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
