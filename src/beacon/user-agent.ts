/**
 * The User-Agent sent upstream: browser family and major version only, no platform, device or
 * build. `Mozilla/5.0 (Windows NT 10.0; Win64; x64) … Chrome/139.0.7258.67 Safari/537.36` becomes
 * `Mozilla/5.0 (compatible; Chrome/139)`. Unknown agents become `Mozilla/5.0 (compatible)`. Pure.
 */

/** Order matters: Chromium-based browsers also say Chrome, and Chrome also says Safari. */
const FAMILIES: ReadonlyArray<readonly [string, RegExp]> = [
  ["Edge", /\bEdg(?:e|A|iOS)?\/(\d{1,4})\./],
  ["Opera", /\b(?:OPR|Opera)\/(\d{1,4})\./],
  ["SamsungBrowser", /\bSamsungBrowser\/(\d{1,4})\./],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d{1,4})\./],
  ["Chrome", /\b(?:Chrome|CriOS)\/(\d{1,4})\./],
  ["Safari", /\bVersion\/(\d{1,4})[.\d]* (?:Mobile\/\S+ )?Safari\//],
];

export const UNKNOWN_AGENT = "Mozilla/5.0 (compatible)";

export function reduceUserAgent(header: string | null): string {
  if (!header) return UNKNOWN_AGENT;
  for (const [family, pattern] of FAMILIES) {
    const major = pattern.exec(header)?.[1];
    if (major) return `Mozilla/5.0 (compatible; ${family}/${Number(major)})`;
  }
  return UNKNOWN_AGENT;
}
