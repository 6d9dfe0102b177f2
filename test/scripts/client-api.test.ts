/**
 * The client API's build and types, in Node: the committed browser script is what
 * scripts/client-api-build.mjs builds from the sources now, it stays well under 2 KB gzipped, and
 * site code type-checks against types/gatekeeper.d.ts. That includes every `ts` recipe in
 * docs/CLIENT-API.md and README.md, and misuse the declarations must refuse.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { buildClientScript, GENERATED, generatedModule } from "../../scripts/client-api-build.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const DECLARATIONS = join(ROOT, "types", "gatekeeper.d.ts");

describe("the browser script", () => {
  const built: string = buildClientScript();

  it("is committed as built from the sources (npm run client:build rewrites it)", () => {
    expect(readFileSync(GENERATED, "utf8"), "src/ui/client-api/script.generated.ts is stale").toBe(
      generatedModule(built),
    );
  });

  it("is well under 2 KB gzipped, before the site's config is added", () => {
    const gzipped = gzipSync(built, { level: 9 }).length;
    console.log(`[client-api] built script: ${Buffer.byteLength(built)} bytes, ${gzipped} gzipped`);
    expect(gzipped).toBeLessThan(1800);
  });

  it("reads its config from the wrapper and nothing else from outside", () => {
    expect(built).toContain("gkConfig");
    expect(built.startsWith('"use strict";(()=>{')).toBe(true);
  });
});

/** The ```ts blocks of a Markdown file, by line: a fence opens with ```ts and closes with ```. */
function recipes(file = join("docs", "CLIENT-API.md")): string[] {
  const found: string[] = [];
  let block: string[] | null = null;
  for (const line of readFileSync(join(ROOT, file), "utf8").split("\n")) {
    if (block === null && line.trim() === "```ts") block = [];
    else if (block !== null && line.trim() === "```") {
      found.push(block.join("\n"));
      block = null;
    } else block?.push(line);
  }
  return found;
}

const USES = `
  import type { Gatekeeper, GatekeeperChange, GatekeeperSetOptions, GatekeeperState } from ${JSON.stringify(DECLARATIONS.replace(/\.d\.ts$/, ""))};
  const gk: Gatekeeper | undefined = window.gatekeeper;
  const same: Gatekeeper | undefined = gatekeeper;
  if (gk && same) {
    const allowed: readonly string[] = gk.allowed;
    const decided: boolean = gk.decided;
    const source: string | null = gk.source;
    const has: boolean = gk.has("analytics");
    const options: GatekeeperSetOptions = { reload: false };
    const next: Promise<GatekeeperState> = gk.set(["analytics"], options);
    const stop: () => void = gk.onChange((change: GatekeeperChange) => change.reload);
    gk.open();
    void [allowed, decided, source, has, next, stop];
  }
  window.addEventListener("gatekeeper:change", (event) => {
    const detail: GatekeeperChange = event.detail;
    const added: readonly string[] = event.detail.added;
    void [detail, added];
  });
`;

const MISUSE: Array<[string, string]> = [
  ["set() takes an array", "window.gatekeeper?.set('analytics');"],
  ["reload is a boolean", "window.gatekeeper?.set([], { reload: 'no' });"],
  ["the state is read-only", "if (window.gatekeeper) window.gatekeeper.allowed = [];"],
  ["allowed cannot be changed in place", "window.gatekeeper?.allowed.push('x');"],
  ["the global may be undefined", "gatekeeper.has('analytics');"],
  ["the event's detail is typed", "window.addEventListener('gatekeeper:change', (e) => e.detail.nope);"],
  ["onChange listeners get a change", "window.gatekeeper?.onChange((c: number) => c);"],
];

describe("types/gatekeeper.d.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "gk-client-types-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const docs = recipes();
  const readme = recipes("README.md");
  const cases: Record<string, string> = {
    empty: "",
    uses: USES,
    ...Object.fromEntries(docs.map((code, i) => [`recipe-${i + 1}`, code])),
    ...Object.fromEntries(readme.map((code, i) => [`readme-${i + 1}`, code])),
    ...Object.fromEntries(MISUSE.map(([, code], i) => [`misuse-${i + 1}`, code])),
  };
  /** Every case type-checked as site code (strict, DOM, the declarations referenced) in one program. */
  let messages: Record<string, string[]> = {};
  beforeAll(() => {
    const files = Object.entries(cases).map(([name, code]) => {
      const file = join(dir, `${name}.ts`);
      writeFileSync(file, `/// <reference path=${JSON.stringify(DECLARATIONS)} />\n${code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.ES2020,
      lib: ["lib.es2020.d.ts", "lib.dom.d.ts"],
      types: [],
    });
    messages = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const name = d.file ? basename(d.file.fileName, ".ts") : "empty";
      (messages[name] ?? messages.empty!).push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    }
  }, 60_000);

  it("the declarations themselves are clean", () => {
    expect(messages.empty).toEqual([]);
  });

  it("docs/CLIENT-API.md has its recipes", () => {
    expect(docs.length).toBeGreaterThanOrEqual(3);
  });

  it.each(docs.map((_, i) => i + 1))("recipe %i of docs/CLIENT-API.md type-checks", (i) => {
    expect(messages[`recipe-${i}`]).toEqual([]);
  });

  it("README.md has its two recipes", () => {
    expect(readme).toHaveLength(2);
  });

  it.each(readme.map((_, i) => i + 1))("recipe %i of README.md type-checks", (i) => {
    expect(messages[`readme-${i}`]).toEqual([]);
  });

  it("types the global, the event and the exports", () => {
    expect(messages.uses).toEqual([]);
  });

  it.each(MISUSE.map(([name], i) => [name, i + 1] as const))("refuses misuse: %s", (_name, i) => {
    expect(messages[`misuse-${i}`]).not.toEqual([]);
  });
});
