/**
 * The layers of src/ run one way (docs/ARCHITECTURE.md):
 *
 *   match ← policy ← consent ← html / beacon / csp / ui ← http ← app
 *
 * A module imports only from its own folder or from a lower floor; folders on the same floor do
 * not import each other, and no import loop exists at all. A feature's `routes.ts` is its HTTP
 * edge: it sits on the http floor. Imports are read with the TypeScript compiler's own
 * pre-processor (ts.preProcessFile), type-only imports included: a type that runs upward is a
 * dependency that runs upward.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

/** Floor of each top-level folder (or file) of src/; higher floors may import lower ones. */
const FLOORS: Record<string, number> = {
  match: 0,
  policy: 1,
  consent: 2,
  html: 3,
  beacon: 3,
  csp: 3,
  ui: 3,
  http: 4,
  "app.ts": 5,
  "index.ts": 5,
};
const EDGE = "http";

/**
 * The group a module belongs to and its floor: its folder; a feature's routes.ts belongs to the
 * http edge; app.ts and index.ts are the app.
 */
function placeOf(file: string): { group: string; floor: number } | null {
  const parts = relative(SRC, file).split(/[\\/]/);
  const top = parts[0] ?? "";
  const floor = FLOORS[top];
  if (floor === undefined) return null;
  if (parts.length === 1) return { group: "app", floor };
  if (parts.length === 2 && parts[1] === "routes.ts") return { group: EDGE, floor: FLOORS[EDGE]! };
  return { group: top, floor };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return sourceFiles(full);
      return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [full] : [];
    });
}

/** The src/ modules a module imports (relative specifiers resolved; packages and JSON left out). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.flatMap(({ fileName }) => {
    if (!fileName.startsWith(".")) return [];
    const base = resolve(dirname(file), fileName);
    const found = [`${base}.ts`, join(base, "index.ts"), base].find((candidate) => known.has(candidate));
    return found ? [found] : [];
  });
}

interface Graph {
  files: string[];
  edges: Map<string, string[]>;
}

function importGraph(src = SRC): Graph {
  const files = sourceFiles(src);
  const known = new Set(files);
  return { files, edges: new Map(files.map((f) => [f, importsOf(f, known)])) };
}

const name = (file: string) => relative(ROOT, file).split("\\").join("/");

/** Imports that run upward or sideways, and modules in no layer. */
function layerViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const from of graph.files) {
    const a = placeOf(from);
    if (!a) {
      out.push(`${name(from)} is on no floor: add its folder to FLOORS (and to docs/ARCHITECTURE.md)`);
      continue;
    }
    for (const to of graph.edges.get(from) ?? []) {
      const b = placeOf(to);
      if (!b || b.group === a.group || b.floor < a.floor) continue;
      const how = b.floor > a.floor ? "upward" : "sideways";
      out.push(`${name(from)} imports ${name(to)} (${how}: ${a.group} → ${b.group})`);
    }
  }
  return out;
}

/** Every import loop, as the modules of each strongly connected component (Tarjan). */
function importLoops(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.edges.get(v)?.includes(v)) loops.push(component.map(name).sort());
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return loops;
}

describe("the layers of src/", () => {
  const graph = importGraph();

  it("reads the imports of every module", () => {
    expect(graph.files.length).toBeGreaterThan(20);
    expect(graph.edges.get(join(SRC, "index.ts"))).toContain(join(SRC, "app.ts"));
  });

  it("has no import loop", () => {
    expect(importLoops(graph)).toEqual([]);
  });

  it("imports only downward, or within a folder", () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});

describe("the layer checker", () => {
  const at = (path: string) => join(SRC, path);
  const graphOf = (edges: Record<string, string[]>): Graph => ({
    files: Object.keys(edges).map(at),
    edges: new Map(Object.entries(edges).map(([f, to]) => [at(f), to.map(at)])),
  });

  it("finds a loop through three modules, and a module importing itself", () => {
    const loops = importLoops(
      graphOf({ "a/x.ts": ["b/y.ts"], "b/y.ts": ["c/z.ts"], "c/z.ts": ["a/x.ts"], "d/w.ts": ["d/w.ts"] }),
    );
    expect(loops).toEqual([["src/a/x.ts", "src/b/y.ts", "src/c/z.ts"], ["src/d/w.ts"]]);
  });

  it("flags upward and sideways imports and modules on no floor, and allows the rest", () => {
    const violations = layerViolations(
      graphOf({
        "policy/compile.ts": ["consent/decide.ts", "match/url.ts"],
        "html/rewriter.ts": ["beacon/repoint.ts"],
        "consent/routes.ts": ["http/body.ts", "ui/language.ts"],
        "app.ts": ["consent/routes.ts"],
        "lib/util.ts": [],
      }),
    );
    expect(violations).toEqual([
      "src/policy/compile.ts imports src/consent/decide.ts (upward: policy → consent)",
      "src/html/rewriter.ts imports src/beacon/repoint.ts (sideways: html → beacon)",
      "src/lib/util.ts is on no floor: add its folder to FLOORS (and to docs/ARCHITECTURE.md)",
    ]);
  });
});
