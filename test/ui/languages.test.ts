/**
 * Languages come from the site file: `languages` and `defaultLanguage`. A visitor asking for a
 * language the site does not offer reads the default; a site can offer another set (here: German
 * added, English as default) by editing its policy alone; durations are worded by Intl in each.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicy, type PolicyFiles } from "../../src/policy/load";
import { pickLanguage } from "../../src/ui/language";
import { formatLifetime } from "../../src/ui/lifetime";
import { html, makeGate, shippedFiles } from "../helpers/gate";

const SITE = "policies/sites/default.yaml";
const PAGE = "<!doctype html><html><head></head><body><p>x</p></body></html>";
const FINNISH_DEFAULT = { languages: ["fi", "sv", "en"], defaultLanguage: "fi" };

/** The test policy with German offered and English as the default: only policy edits. */
function withGerman(): PolicyFiles {
  const files = shippedFiles();
  const site = files[SITE];
  site.languages = ["de", "en", "fi"];
  site.defaultLanguage = "en";
  site.ui.texts.de = {
    ...site.ui.texts.en,
    bannerTitle: "Cookies auf dieser Website",
    acceptAll: "Alle akzeptieren",
    rejectAll: "Alle ablehnen",
    lifetimeSession: "Sitzung",
  };
  const de = (text: Record<string, string>) => ({ ...text, de: `${text.en} (de)` });
  for (const p of files["policies/purposes.yaml"].purposes) {
    p.name = de(p.name);
    p.description = de(p.description);
  }
  for (const [file, v] of Object.entries(files)) {
    if (!file.startsWith("policies/vendors/")) continue;
    for (const c of v.cookies ?? []) if (c.description) c.description = de(c.description);
    if (v.placeholder)
      v.placeholder = { ...v.placeholder, text: de(v.placeholder.text), button: de(v.placeholder.button) };
  }
  return files as PolicyFiles;
}

describe("the visitor's language", () => {
  it.each([
    ["de-DE,de;q=0.9", "fi"],
    ["fr", "fi"],
    ["", "fi"],
    ["sv-FI", "sv"],
    ["de;q=1, en;q=0.3", "en"],
  ])("Accept-Language %j on the shipped languages: %s", (accept, lang) => {
    expect(pickLanguage(accept, FINNISH_DEFAULT)).toBe(lang);
  });

  it("is always one the site offers, whatever the header", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (accept) => {
        expect(FINNISH_DEFAULT.languages).toContain(pickLanguage(accept, FINNISH_DEFAULT));
      }),
    );
  });

  it("a site's own set: German offered, English its default, by the policy alone", async () => {
    const files = withGerman();
    expect(loadPolicy(files).ok).toBe(true);
    const { request } = makeGate(() => html(PAGE), files);
    const de = await (await request("/", { headers: { "accept-language": "de-AT,de;q=0.9" } })).text();
    expect(de).toContain("Alle akzeptieren");
    expect(de).toContain('lang="de"');
    // Swedish is not offered any more: the site's default, English.
    const sv = await (await request("/", { headers: { "accept-language": "sv" } })).text();
    expect(sv).toContain("Accept all");
    const prefs = await (await request("/__gk/preferences?lang=de")).text();
    expect(prefs).toContain('<html lang="de"');
    expect(prefs).toContain('hreflang="fi">Suomi</a>');
    expect(prefs).toContain('hreflang="en">English</a>');
    expect(prefs).not.toContain('hreflang="sv"');
    // Intl words the durations in German: no table in code names German.
    expect(prefs).toContain("(2 Jahre)");
  });

  it("a language listed without its texts, or a default not listed, fails the check", () => {
    const files = withGerman() as Record<string, any>;
    delete files[SITE].ui.texts.de;
    files[SITE].defaultLanguage = "sv";
    delete files["policies/purposes.yaml"].purposes[0].name.de;
    const result = loadPolicy(files as PolicyFiles);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => `${d.file} ${d.path}`)).toEqual([
      `${SITE} defaultLanguage`,
      `${SITE} ui.texts.de`,
      "policies/purposes.yaml purposes[0].name.de",
    ]);
  });
});

describe("durations, worded by Intl", () => {
  it.each([
    ["P2Y", "fi", "2 vuotta"],
    ["P1Y", "fi", "1 vuosi"],
    ["P13M", "sv", "13 månader"],
    ["PT24H", "en", "24 hours"],
    ["PT1M", "en", "1 minute"],
    ["P1Y6M", "en", "1 year, 6 months"],
    ["P7D", "sv", "7 dygn"],
    ["session", "fi", "istunnon ajan"],
  ])("%s in %s: %s", (lifetime, lang, words) => {
    expect(formatLifetime(lifetime, lang, "istunnon ajan")).toBe(words);
  });
});
