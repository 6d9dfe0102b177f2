/** A cookie lifetime (ISO 8601 duration, or "session") in words, for the declaration. */
import type { Language } from "./language";

type Unit = "Y" | "M" | "W" | "D" | "H" | "Min" | "S";
const WORDS: Record<Language, Record<Unit, [string, string]> & { session: string }> = {
  fi: {
    Y: ["vuosi", "vuotta"],
    M: ["kuukausi", "kuukautta"],
    W: ["viikko", "viikkoa"],
    D: ["päivä", "päivää"],
    H: ["tunti", "tuntia"],
    Min: ["minuutti", "minuuttia"],
    S: ["sekunti", "sekuntia"],
    session: "istunnon ajan",
  },
  sv: {
    Y: ["år", "år"],
    M: ["månad", "månader"],
    W: ["vecka", "veckor"],
    D: ["dag", "dagar"],
    H: ["timme", "timmar"],
    Min: ["minut", "minuter"],
    S: ["sekund", "sekunder"],
    session: "sessionen",
  },
  en: {
    Y: ["year", "years"],
    M: ["month", "months"],
    W: ["week", "weeks"],
    D: ["day", "days"],
    H: ["hour", "hours"],
    Min: ["minute", "minutes"],
    S: ["second", "seconds"],
    session: "session",
  },
};

export function formatLifetime(lifetime: string, lang: Language): string {
  const words = WORDS[lang];
  if (lifetime === "session") return words.session;
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(lifetime);
  if (!m) return lifetime;
  const units: Unit[] = ["Y", "M", "W", "D", "H", "Min", "S"];
  const parts = units.flatMap((unit, i) => {
    const n = Number(m[i + 1] ?? 0);
    return n ? [`${n} ${words[unit][n === 1 ? 0 : 1]}`] : [];
  });
  return parts.join(" ") || lifetime;
}
