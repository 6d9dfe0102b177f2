/**
 * A cookie lifetime (ISO 8601 duration, or "session") in words, for the declaration, worded by
 * the runtime's Intl in the visitor's language: NumberFormat's `unit` style for each part
 * ("2 vuotta", "13 månader") and ListFormat to join them ("1 year, 6 months"). No word tables:
 * any language the site lists is worded by Intl's own data. "session" is the site's text.
 */
import type { Language } from "./language";

const UNITS = ["year", "month", "week", "day", "hour", "minute", "second"] as const;
const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export function formatLifetime(lifetime: string, lang: Language, session: string): string {
  if (lifetime === "session") return session;
  const m = DURATION.exec(lifetime);
  if (!m) return lifetime;
  const parts = UNITS.flatMap((unit, i) => {
    const n = Number(m[i + 1] ?? 0);
    return n ? [new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "long" }).format(n)] : [];
  });
  if (!parts.length) return lifetime;
  return new Intl.ListFormat(lang, { style: "long", type: "unit" }).format(parts);
}
