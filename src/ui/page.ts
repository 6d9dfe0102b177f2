/** The shell of the gatekeeper's own pages (/__gk/preferences, /__gk/cookies). No script. */
import { type Html, html, raw } from "./html";
import type { Language } from "./language";

const PAGE_CSS = `body{margin:0;background:#f6f6f6;color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
nav{display:flex;gap:1rem;justify-content:flex-end}
a{color:#0b57d0}
.gk-box{border:2px solid #1a1a1a;border-radius:.5rem;background:#fff;margin:0 0 1rem;padding:1rem}
.gk-purpose{display:flex;gap:.75rem;align-items:flex-start;margin-bottom:.5rem}
.gk-purpose input{width:1.4rem;height:1.4rem;margin:.15rem 0 0;flex:none}
.gk-purpose label{font-weight:700;font-size:1.1rem}
.gk-state{font-size:.9rem;color:#444}
details{margin:.5rem 0 0}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1rem}
th,td{border:1px solid #999;padding:.4rem .5rem;text-align:left;vertical-align:top}
.gk-actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.gk-actions form{display:contents}
.gk-btn{flex:1 1 10rem;min-height:2.75rem;padding:.6rem 1rem;border:2px solid #1a1a1a;border-radius:.375rem;background:#1a1a1a;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.gk-btn:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}`;

/** A language's name in itself, as the runtime's Intl knows it: "Suomi", "Svenska", "English". */
export function languageName(lang: Language): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([lang], { type: "language" }).of(lang);
  } catch {}
  if (!name) return lang;
  return name.charAt(0).toLocaleUpperCase(lang) + name.slice(1);
}

/** Links to the same page in the site's other languages. */
function languageNav(path: string, current: Language, languages: readonly Language[], query: URLSearchParams): Html {
  const links = languages
    .filter((l) => l !== current)
    .map((l) => {
      const q = new URLSearchParams(query);
      q.set("lang", l);
      return html`<a href="${`${path}?${q}`}" lang="${l}" hreflang="${l}">${languageName(l)}</a>`;
    });
  return html`<nav aria-label="${languages.map(languageName).join(" / ")}">${links}</nav>`;
}

export function renderPage(input: {
  title: string;
  lang: Language;
  /** The site's languages, for the links to the others. */
  languages: readonly Language[];
  path: string;
  query: URLSearchParams;
  /** Markup, rendered by the page's own module. */
  body: string;
}): string {
  return String(html`<!doctype html>
<html lang="${input.lang}" data-gatekeeper><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${input.title}</title><style>${raw(PAGE_CSS)}</style></head>
<body><main>${languageNav(input.path, input.lang, input.languages, input.query)}<h1>${input.title}</h1>
${raw(input.body)}
</main></body></html>
`);
}

/** Our own pages run no script and load nothing from anywhere. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
