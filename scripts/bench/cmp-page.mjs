// The demo page as a site that uses a client-side consent manager instead of the gatekeeper
// would serve it: vanilla-cookieconsent (npm, the exact version in package.json) set up as its
// documentation says, for the browser phase (browser.mjs). Served by the bench origin at /cmp/.
//
//   - https://cookieconsent.orestbida.com/essential/getting-started.html: the stylesheet in <head>
//     ("deferred CSS loading (recommended)"), `cookieconsent.umd.js` and an init script with
//     `CookieConsent.run({ categories, language })` at the end of <body>, both `defer`.
//   - https://cookieconsent.orestbida.com/advanced/manage-scripts.html: every script it must hold
//     back gets `type="text/plain"` and `data-category="<category>"`, inline or with `src`.
//
// The same tags the gatekeeper removes are marked: each <script> whose src or code carries a
// vendor marker (markers.mjs) gets the category of that marker's purpose. The categories are the
// site's purposes (policies/purposes.yaml), with the gatekeeper banner's own Finnish names and
// descriptions. One setting differs from the defaults: `hideFromBots: false`, because by default
// the library shows nothing to a browser that reports `navigator.webdriver`, as the bench's
// automated Chromium does; a visitor's browser does not, and sees the consent modal.
// What such a setup does not touch stays as the site wrote it (the preconnect and
// dns-prefetch hints to vendor hosts, the GTM noscript iframe), as it would on a real site.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { attr, elementsOf, textOf } from "./html.mjs";
import { purposeOf } from "./markers.mjs";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "..", "..");
const DIST = join(
  dirname(createRequire(join(ROOT, "package.json")).resolve("vanilla-cookieconsent/package.json")),
  "dist",
);

/** The consent manager's own files, by the path the origin serves them at. */
export const CMP_FILES = {
  "/cmp/cookieconsent.umd.js": { file: join(DIST, "cookieconsent.umd.js"), type: "text/javascript; charset=utf-8" },
  "/cmp/cookieconsent.css": { file: join(DIST, "cookieconsent.css"), type: "text/css; charset=utf-8" },
};
export const CMP_VERSION = JSON.parse(readFileSync(join(DIST, "..", "package.json"), "utf8")).version;

/**
 * The page with the vendor scripts marked for the consent manager and its files added. Returns
 * the HTML and what was marked (category per script), so the report can say what it blocks.
 */
export function cmpPage(html) {
  const all = elementsOf(html);
  const edits = [];
  const marked = [];
  for (const script of all.filter((el) => el.tagName === "script")) {
    const category = purposeOf(attr(script, "src") ?? textOf(script));
    if (!category) continue;
    if (attr(script, "type") !== undefined)
      throw new Error(`cmp-page: a vendor <script> already has a type (${attr(script, "type")}); not handled`);
    const at = script.sourceCodeLocation.startTag.startOffset + "<script".length;
    edits.push({ at, text: ` type="text/plain" data-category="${category}"` });
    marked.push({ category, src: attr(script, "src") ?? null });
  }
  const head = all.find((el) => el.tagName === "head");
  const body = all.find((el) => el.tagName === "body");
  if (!head?.sourceCodeLocation?.endTag || !body?.sourceCodeLocation?.endTag)
    throw new Error("cmp-page: the demo page needs an explicit </head> and </body>");
  edits.push({
    at: head.sourceCodeLocation.endTag.startOffset,
    text: `<link rel="stylesheet" href="/cmp/cookieconsent.css" media="print" onload="this.media='all'">\n`,
  });
  edits.push({
    at: body.sourceCodeLocation.endTag.startOffset,
    text: '<script defer src="/cmp/cookieconsent.umd.js"></script>\n<script defer src="/cmp/cookieconsent-init.js"></script>\n',
  });
  let out = html;
  for (const edit of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, edit.at) + edit.text + out.slice(edit.at);
  return { html: out, marked };
}

/** The init script: one category per purpose, texts from the site's purposes in Finnish. */
export function cmpInit() {
  const purposes = parseYaml(readFileSync(join(ROOT, "policies", "purposes.yaml"), "utf8")).purposes;
  const categories = Object.fromEntries(
    purposes.map((p) => [p.id, p.required ? { enabled: true, readOnly: true } : { enabled: false, readOnly: false }]),
  );
  const sections = purposes.map((p) => ({ title: p.name.fi, description: p.description.fi, linkedCategory: p.id }));
  const config = {
    hideFromBots: false,
    categories,
    language: {
      default: "fi",
      translations: {
        fi: {
          consentModal: {
            title: "Evästeet",
            description: "Käytämme evästeitä ja kolmansien osapuolten palveluita vain suostumuksellasi.",
            acceptAllBtn: "Hyväksy kaikki",
            acceptNecessaryBtn: "Vain välttämättömät",
            showPreferencesBtn: "Valitse itse",
          },
          preferencesModal: {
            title: "Evästeasetukset",
            acceptAllBtn: "Hyväksy kaikki",
            acceptNecessaryBtn: "Vain välttämättömät",
            savePreferencesBtn: "Tallenna valinnat",
            closeIconLabel: "Sulje",
            sections,
          },
        },
      },
    },
  };
  return `// vanilla-cookieconsent ${CMP_VERSION}, configured for the bench (scripts/bench/cmp-page.mjs).\nCookieConsent.run(${JSON.stringify(config, null, 2)});\n`;
}
