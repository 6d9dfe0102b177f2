#!/usr/bin/env node
/** `npm run policy:schema`: writes policies/schema/*.json from src/policy/schema.ts for editors. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { purposesFileSchema, siteFileSchema, vendorFileSchema } from "../src/policy/schema";

export function schemaFiles(): Record<string, string> {
  const render = (schema: z.ZodType, title: string) =>
    `${JSON.stringify({ title, ...z.toJSONSchema(schema, { io: "input" }) }, null, 2)}\n`;
  return {
    "purposes.schema.json": render(purposesFileSchema, "tag-gatekeeper purposes"),
    "site.schema.json": render(siteFileSchema, "tag-gatekeeper site policy"),
    "vendor.schema.json": render(vendorFileSchema, "tag-gatekeeper vendor"),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = join(process.cwd(), "policies", "schema");
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(schemaFiles())) writeFileSync(join(dir, name), text);
  console.log(`wrote ${dir}`);
}
