/**
 * The visitor's language, from the site's own list (`languages`, `defaultLanguage` in the site
 * file): the highest-weighted Accept-Language range (RFC 9110 §12.5.4) that names one of them,
 * else the site's default, so a visitor asking for a language the site does not offer (de) reads
 * the default. A `?lang=` choice on gatekeeper pages overrides it.
 */
export type Language = string;

export interface SiteLanguages {
  languages: readonly string[];
  defaultLanguage: string;
}

/** True when the site offers `value`. */
export function isLanguage(value: string | null | undefined, site: SiteLanguages): value is Language {
  return typeof value === "string" && site.languages.includes(value);
}

/** The offered language an Accept-Language tag asks for: itself, or its primary subtag's. */
function offered(tag: string, site: SiteLanguages): Language | undefined {
  const exact = site.languages.find((l) => l.toLowerCase() === tag);
  if (exact) return exact;
  const primary = tag.split("-")[0];
  return site.languages.find((l) => l.toLowerCase() === primary);
}

export function pickLanguage(acceptLanguage: string | null, site: SiteLanguages): Language {
  let best: Language = site.defaultLanguage;
  let bestQ = 0;
  for (const part of (acceptLanguage ?? "").slice(0, 512).split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= bestQ || q > 1) continue;
    const lang = offered(tag.trim(), site);
    if (lang) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

/** A visitor text in the visitor's language (the check makes sure every offered one is there). */
export function say(text: Readonly<Record<string, string>> | undefined, lang: Language): string {
  return text?.[lang] ?? "";
}
