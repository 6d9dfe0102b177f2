/**
 * Inline snippets and script text are compared in one normal form: lower case, no whitespace,
 * one kind of quote. `gtag( "config"` and `gtag('config'` are then the same, so cosmetic edits
 * to a vendor snippet do not slip past.
 */
export function normalizeInline(text: string): string {
  return text.toLowerCase().replace(/\s+/g, "").replace(/["`]/g, "'");
}

export interface InlinePattern {
  normalized: string;
  vendor: number;
}

/** Vendor indexes whose snippets occur in `text`, in vendor order, without repeats. */
export function matchInline(patterns: readonly InlinePattern[], text: string): number[] {
  if (patterns.length === 0 || text.length === 0) return [];
  const normal = normalizeInline(text);
  const found: number[] = [];
  for (const p of patterns) {
    if (!found.includes(p.vendor) && normal.includes(p.normalized)) found.push(p.vendor);
  }
  return found;
}
