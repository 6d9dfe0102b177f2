/**
 * The JSON Schemas editors read (`npm run policy:schema`): every field an operator writes has a
 * description, and purposes are an enum of the site's own purpose ids, so editors autocomplete.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeAt } from "../../scripts/lib/schema-docs";
import { schemaFiles } from "../../scripts/policy-schema";
import { TEST_POLICIES } from "./helpers";

type Schema = { properties: Record<string, { description?: string; enum?: string[] }> };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("policy:schema", () => {
  const files = schemaFiles(join(TEST_POLICIES, ".."));
  it.each(Object.keys(files))("%s describes every top-level field", (name) => {
    const schema = JSON.parse(files[name] as string) as Schema;
    const undocumented = Object.entries(schema.properties).filter(([, p]) => !p.description);
    expect(undocumented.map(([k]) => k)).toEqual([]);
  });

  it("names the site's languages as the keys of every visitor text", () => {
    const purposes = JSON.parse(files["purposes.schema.json"] as string);
    expect(Object.keys(nodeAt(purposes, "purposes[].name")?.properties ?? {})).toEqual(["fi", "sv", "en"]);
    const site = JSON.parse(files["site.schema.json"] as string);
    expect(Object.keys(nodeAt(site, "ui.texts")?.properties ?? {})).toEqual(["fi", "sv", "en"]);
    const vendor = JSON.parse(files["vendor.schema.json"] as string);
    expect(Object.keys(nodeAt(vendor, "cookies[].description")?.properties ?? {})).toEqual(["fi", "sv", "en"]);
  });

  it("lists the site's own purposes as the enum of a vendor's purpose and of gpc.refuses", () => {
    const root = mkdtempSync(join(tmpdir(), "gk-schema-"));
    dirs.push(root);
    cpSync(TEST_POLICIES, join(root, "policies"), { recursive: true });
    const purposes = join(root, "policies", "purposes.yaml");
    writeFileSync(
      purposes,
      readFileSync(purposes, "utf8").replace(
        "purposes:\n",
        "purposes:\n  - id: support\n    name: { fi: Tuki, sv: Stöd, en: Support }\n    description: { fi: Tuki, sv: Stöd, en: Support }\n",
      ),
    );
    const generated = schemaFiles(root);
    const vendor = JSON.parse(generated["vendor.schema.json"] as string);
    expect(nodeAt(vendor, "purpose")?.enum).toEqual([
      "support",
      "necessary",
      "functional",
      "analytics",
      "marketing",
      "social",
    ]);
    const site = JSON.parse(generated["site.schema.json"] as string);
    expect(nodeAt(site, "gpc.refuses[]")?.enum).toContain("support");
  });
});
