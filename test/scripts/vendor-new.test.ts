/**
 * `npm run vendor:new <id>`: the scaffold it writes, what `npm run policy:check` then says about
 * it, that it is a valid vendor once its TODOs are filled in, and the ids and files it refuses.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../../scripts/lib/policy-files.mjs";
import { createVendor, EXAMPLE, idProblem, scaffoldVendor, TODO } from "../../scripts/vendor-new";
import { loadPolicy } from "../../src/policy/load";
import { vendorFileSchema } from "../../src/policy/schema";
import { ROOT, runScript, TEST_POLICIES } from "./helpers";

const SCRIPT = "scripts/vendor-new.ts";
const SHIPPED = readPolicyFiles(ROOT, TEST_POLICIES) as Record<string, unknown>;
const PURPOSES = (SHIPPED["policies/purposes.yaml"] as { purposes: Array<{ id: string; required?: boolean }> })
  .purposes;
const OPTIONAL = PURPOSES.find((p) => !p.required)?.id ?? "";
const vendorKey = (id: string) => `policies/vendors/${id}.yaml`;

/** The scaffold with each TODO given a value an operator might write. */
function fillIn(text: string): string {
  return text
    .replace(`purpose: ${TODO}`, `purpose: ${OPTIONAL}`)
    .replace(`docs: ${TODO}`, "docs: https://docs.example.com/install")
    .replace(`privacyPolicy: ${TODO}`, "privacyPolicy: https://www.example.com/privacy")
    .replace(`  - ${TODO}`, '  - "*.scaffolded-vendor.test"');
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "gk-vendor-new-"));
  cpSync(TEST_POLICIES, join(root, "policies"), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run vendor:new <id>", () => {
  it("writes policies/vendors/<id>.yaml, which policy:check refuses at exactly its TODOs, with a fix each", () => {
    const made = runScript(SCRIPT, ["example-chat", "--dir", root]);
    expect(made.stderr).toBe("");
    expect(made.status).toBe(0);
    const file = join(root, vendorKey("example-chat"));
    expect(made.stdout).toContain(`wrote ${file}`);
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe(
      "# yaml-language-server: $schema=../schema/vendor.schema.json",
    );

    const check = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(check.status).toBe(1);
    const errors = check.stderr.split("\n").filter((line) => line.startsWith("- "));
    const lines = readFileSync(file, "utf8").split("\n");
    const line = (text: string) => lines.indexOf(text) + 1;
    expect(errors).toEqual([
      `- ${vendorKey("example-chat")}:${line(`purpose: ${TODO}`)} at purpose`,
      `- ${vendorKey("example-chat")}:${line(`docs: ${TODO}`)} at docs`,
      `- ${vendorKey("example-chat")}:${line(`privacyPolicy: ${TODO}`)} at privacyPolicy`,
      `- ${vendorKey("example-chat")}:${line(`  - ${TODO}`)} at hosts[0]`,
    ]);
    // Each error says what is wrong and how to fix it (the purpose's names purposes.yaml).
    expect(check.stderr).toContain('received: "TODO"');
    expect(check.stderr).toContain("fix: use one of the purpose ids declared in policies/purposes.yaml");
    expect(check.stderr).toContain('fix: write a lowercase host such as "www.example.com"');

    writeFileSync(file, fillIn(readFileSync(file, "utf8")));
    const again = runScript("scripts/policy-check.ts", ["--dir", root]);
    expect(again.stderr).toBe("");
    expect(again.stdout).toContain(`${Object.keys(SHIPPED).filter((k) => k.includes("/vendors/")).length + 1} vendors`);
  });

  it("refuses an id that exists (as .yaml or .yml) and leaves the file alone", () => {
    const existing = basename(Object.keys(SHIPPED).find((k) => k.includes("/vendors/")) ?? "", ".yaml");
    const before = readFileSync(join(root, vendorKey(existing)), "utf8");
    const run = runScript(SCRIPT, [existing, "--dir", root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`vendor:new: policies/vendors/${existing}.yaml already exists`);
    expect(readFileSync(join(root, vendorKey(existing)), "utf8")).toBe(before);

    writeFileSync(join(root, "policies", "vendors", "old-style.yml"), "id: old-style\n");
    expect(createVendor(root, "old-style")).toEqual({
      error: "policies/vendors/old-style.yml already exists: edit it, or choose another id (npm run vendor:new <id>)",
    });
    rmSync(join(root, "policies", "vendors", "old-style.yml"));
  });

  it("refuses a bad or missing id, writing nothing", () => {
    const run = runScript(SCRIPT, ["Example_Chat", "--dir", root]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('vendor:new: "Example_Chat" is not a vendor id');
    const missing = runScript(SCRIPT, ["--dir", root]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("give the new vendor's id: npm run vendor:new <id>");

    const before = readdirSync(join(root, "policies", "vendors")).sort();
    for (const id of [
      undefined,
      "",
      "Chat",
      "-chat",
      "chat_bot",
      "../chat",
      "chat/bot",
      "chat.yaml",
      "ä",
      "a".repeat(64),
    ])
      expect(createVendor(root, id), String(id)).toHaveProperty("error");
    expect(readdirSync(join(root, "policies", "vendors")).sort()).toEqual(before);
  });
});

describe("the scaffold", () => {
  it("has a comment before every field, and names every field of the vendor schema", () => {
    const lines = scaffoldVendor("example-chat", ["necessary", "analytics"]).split("\n");
    const fields = lines.flatMap((line, i) => {
      const key = /^([A-Za-z]+):/.exec(line)?.[1];
      return key ? [{ key, above: lines[i - 1] ?? "" }] : [];
    });
    for (const { key, above } of fields) expect(above, `the line above ${key}`).toMatch(/^# /);
    const named = new Set([
      ...fields.map((f) => f.key),
      ...lines.flatMap((line) => /^# ([A-Za-z]+):$/.exec(line)?.[1] ?? []),
      ...lines.flatMap((line) => /a ([A-Za-z]+): block/.exec(line)?.[1] ?? []),
    ]);
    expect([...named].sort()).toEqual(Object.keys(vendorFileSchema.shape).sort());
    expect(lines.join("\n")).toContain("#   necessary, analytics");
  });

  it("shows examples the check accepts, next to the shipped policy", () => {
    expect(vendorFileSchema.safeParse(EXAMPLE).success).toBe(true);
    const files = { ...SHIPPED, [vendorKey(EXAMPLE.id)]: { ...EXAMPLE, purpose: OPTIONAL } };
    expect(loadPolicy(files)).toMatchObject({ ok: true });
  });

  it("for every id it accepts: one file directly in policies/vendors/, valid once its TODOs are filled in", () => {
    const ids = fc.oneof(
      fc.string({ maxLength: 70 }),
      fc.stringMatching(/^[a-z0-9-]{1,64}$/),
      fc.constantFrom("123", "null", "true", "1e5", "0x1f", "no"),
    );
    fc.assert(
      fc.property(ids, (id) => {
        const accepted = idProblem(id) === null;
        expect(accepted).toBe(vendorFileSchema.shape.id.safeParse(id).success);
        if (!accepted || SHIPPED[vendorKey(id)] !== undefined) return;
        const file = join(root, "policies", "vendors", `${id}.yaml`);
        expect(dirname(file)).toBe(join(root, "policies", "vendors"));
        const text = scaffoldVendor(
          id,
          PURPOSES.map((p) => p.id),
        );
        const filled = parse(fillIn(text));
        expect(filled.id).toBe(id);
        expect(loadPolicy({ ...SHIPPED, [vendorKey(id)]: filled })).toMatchObject({ ok: true });
      }),
      { numRuns: 200 },
    );
  });
});
