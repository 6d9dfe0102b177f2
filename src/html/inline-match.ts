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
  /** The snippet as the vendor file wrote it, for the audit and logs. */
  source?: string;
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

/** Each vendor whose snippets occur in `text`, with the first snippet of it that matched. */
export function explainInline(
  patterns: readonly InlinePattern[],
  text: string,
): Array<{ vendor: number; snippet: string }> {
  if (patterns.length === 0 || text.length === 0) return [];
  const normal = normalizeInline(text);
  const found: Array<{ vendor: number; snippet: string }> = [];
  for (const p of patterns) {
    if (!found.some((f) => f.vendor === p.vendor) && normal.includes(p.normalized))
      found.push({ vendor: p.vendor, snippet: p.source ?? p.normalized });
  }
  return found;
}
