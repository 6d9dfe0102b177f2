/**
 * What the schema expects at a field path, for diagnostics that name the right keys: the keys an
 * object allows (for "did you mean"), and whether a field is a text per language. Reads zod's
 * schema definitions, so it follows src/policy/schema.ts without a second list.
 */
import type { z } from "zod";

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}
const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema without optional/default/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const d = def(s);
    const inner = d.innerType ?? (d.type === "pipe" ? d.in : undefined);
    if (!inner) return s;
    s = inner;
  }
  return s;
}

/** The schema of the field at `path`, or undefined where the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!s) return undefined;
    const d = def(unwrap(s));
    if (d.type === "object") s = typeof key === "string" ? d.shape?.[key] : undefined;
    else if (d.type === "array") s = d.element;
    else if (d.type === "record") s = d.valueType;
    else if (d.type === "union") s = d.options?.map((o) => schemaAt(o, [key])).find(Boolean);
    else return undefined;
  }
  return s;
}

/** The keys the object at `path` allows, or undefined when it is not an object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const s = schemaAt(schema, path);
  if (!s) return undefined;
  const d = def(unwrap(s));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : undefined;
}

/** True when the field at `path` is a visitor text: one string per language. */
export function isTextAt(schema: z.ZodType, path: readonly PropertyKey[]): boolean {
  const s = schemaAt(schema, path);
  if (!s) return false;
  const d = def(unwrap(s));
  return d.type === "record" && d.valueType !== undefined && def(unwrap(d.valueType)).type === "string";
}

/** The text shape as operators write it, for the languages the sites offer: `{fi, sv, en}`. */
export function textShape(languages: readonly string[]): string {
  return `{${languages.join(", ")}}`;
}

/**
 * The allowed key an unknown one was most likely meant to be: a typo (edit distance at most 2,
 * and less than half the word) or the singular/plural of one. Undefined when none is close.
 */
export function didYouMean(unknown: string, allowed: readonly string[]): string | undefined {
  const u = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of allowed) {
    const k = key.toLowerCase();
    const distance = k === u ? 0 : `${k}s` === u || `${u}s` === k ? 1 : editDistance(u, k);
    if (distance > 2 || distance * 2 >= Math.max(u.length, 2)) continue;
    if (!best || distance < best.distance) best = { key, distance };
  }
  return best?.key;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}
