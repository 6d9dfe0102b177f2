/**
 * Values that look like personal data: email addresses, Finnish personal identity codes
 * (henkilötunnus), phone numbers and IBANs. A parameter whose value contains one is dropped
 * whole. The detectors err towards dropping: a date written 01-02-2024 reads as a phone number.
 * Pure.
 */
/** Most specific first: an IBAN's digits can also read as a phone number. */
export const PII_DETECTORS = ["email", "hetu", "iban", "phone"] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

/** What cannot be part of an address: where a token ends. */
const EMAIL_BREAK = /[\s/?#&=:;,<>()[\]"']+/;
const EMAIL_DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}/i;

/** local@domain.tld inside any token. Split at "@" rather than one regex: linear on long values. */
function hasEmail(value: string): boolean {
  if (!value.includes("@")) return false;
  for (const token of value.split(EMAIL_BREAK)) {
    const parts = token.split("@");
    for (let i = 1; i < parts.length; i++) if (parts[i - 1] && EMAIL_DOMAIN.test(parts[i] ?? "")) return true;
  }
  return false;
}

/**
 * DDMMYY, century sign, individual number, check character. Century signs per the 2023 reform:
 * + (1800s), - Y X W V U (1900s), A B C D E F (2000s). https://dvv.fi/en/reform-of-personal-identity-code
 */
const HETU = /(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d\d[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])/i;

/** International (+358 40 123 4567, 00358…) or national (040 123 4567, 09-1234567) numbers. */
const PHONE = /(?<![\w.])(?:(?:\+|00)[1-9](?:[ ().-]?\d){6,14}|0(?:[ ().-]?\d){7,11})(?![\w.])/;

/** Two letters, two check digits, 11 to 30 letters or digits, optionally in groups of four. */
const IBAN_CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/gi;

/** ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1. */
function validIban(candidate: string): boolean {
  const compact = candidate.replace(/ /g, "").toUpperCase();
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

function hasIban(value: string): boolean {
  for (const m of value.matchAll(IBAN_CANDIDATE)) {
    // A match may run on into the next words ("FI21 1234 5600 0007 85 summa"): try it whole, then
    // cut at each space.
    const text = m[0];
    const cuts = [text.length, ...[...text.matchAll(/ /g)].map((s) => s.index ?? 0).reverse()];
    for (const end of cuts) {
      const candidate = text.slice(0, end);
      const length = candidate.replace(/ /g, "").length;
      if (length >= 15 && length <= 34 && validIban(candidate)) return true;
    }
  }
  return false;
}

const TESTS: Record<PiiDetector, (value: string) => boolean> = {
  email: hasEmail,
  hetu: (v) => HETU.test(v),
  phone: (v) => PHONE.test(v),
  iban: hasIban,
};

/** Percent-decoded as far as it goes (twice at most), so `a%2540b.fi` is read as `a@b.fi`. */
function readable(value: string): string[] {
  const out = [value];
  let current = value;
  for (let i = 0; i < 2 && current.includes("%"); i++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
    out.push(current);
  }
  return out;
}

/** The first detector that finds personal data in `value`, or null. */
export function findPii(value: string, detectors: readonly PiiDetector[]): PiiDetector | null {
  const forms = readable(value).flatMap((v) => [v, v.replace(/\+/g, " ")]);
  for (const detector of PII_DETECTORS)
    if (detectors.includes(detector) && forms.some((v) => TESTS[detector](v))) return detector;
  return null;
}
