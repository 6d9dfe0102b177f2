/**
 * The visitor's language from Accept-Language (RFC 9110 §12.5.4): the highest-weighted of fi, sv
 * and en, Finnish when none is acceptable. A `?lang=` choice on gatekeeper pages overrides it.
 */
export const LANGUAGES = ["fi", "sv", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: string | null | undefined): value is Language {
  return value === "fi" || value === "sv" || value === "en";
}

export function pickLanguage(acceptLanguage: string | null): Language {
  let best: Language = "fi";
  let bestQ = 0;
  for (const part of (acceptLanguage ?? "").slice(0, 512).split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const primary = tag.split("-")[0];
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= bestQ || q > 1) continue;
    if (isLanguage(primary)) {
      best = primary;
      bestQ = q;
    }
  }
  return best;
}
