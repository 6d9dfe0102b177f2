/** The visitor-facing texts of a site in one language. */
import type { SiteFile, TEXT_KEYS } from "../policy/schema";
import type { Language } from "./language";

export type TextKey = (typeof TEXT_KEYS)[number];
export type Texts = Readonly<Record<TextKey, string>>;

/** The site's texts in `lang`, else in its default language (the check makes sure both exist). */
export function textsFor(site: SiteFile, lang: Language): Texts {
  return (site.ui.texts[lang] ?? site.ui.texts[site.defaultLanguage]) as Texts;
}
