/**
 * Every problem found in the policy files, collected rather than thrown one at a time (after
 * workers-sdk's config diagnostics), so an operator fixes them all in one pass.
 */
export interface Diagnostic {
  /** Path of the policy file, relative to the repository root. */
  file: string;
  /** Field path inside the file, e.g. `cookies[2].lifetime`; empty for the file itself. */
  path: string;
  /** 1-based line in the file, where known (the check reads the YAML source; the worker has none). */
  line?: number;
  expected: string;
  received: string;
  fix: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** A short, single-line preview of a received value; long values are cut. */
export function preview(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[]): string {
  if (diagnostics.length === 0) return "policy ok";
  const lines = [`policy has ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}:`];
  for (const d of diagnostics) {
    lines.push(`- ${d.file}${d.line ? `:${d.line}` : ""}${d.path ? ` at ${d.path}` : ""}`);
    lines.push(`    expected: ${d.expected}`);
    lines.push(`    received: ${d.received}`);
    lines.push(`    fix: ${d.fix}`);
  }
  return lines.join("\n");
}
