// Benchmark pages, generated deterministically from demo/site/index.html.
//
// A realistic page keeps the demo page's <head> (GTM loader, gtag.js, preconnect hints, the
// site's own config script and app.js), its GTM <noscript> iframe, Elfsight widget and Intercom
// snippets, and fills <main> with repeated content sections plus first-party scripts (external
// and inline), images with srcset, links and SVG icons until it reaches the wanted size.
// Hostile pages stress the parser instead: 100,000 `<a></b>` pairs, 40,000 nested `<div>`.
import { readFileSync } from "node:fs";

const INDEX = readFileSync(new URL("../../demo/site/index.html", import.meta.url), "utf8");

function between(text, start, end) {
  const i = text.indexOf(start);
  const j = text.indexOf(end, i);
  if (i === -1 || j === -1) throw new Error(`demo/site/index.html no longer has ${start} ... ${end}`);
  return text.slice(i, j + end.length);
}

const HEAD = INDEX.slice(0, INDEX.indexOf("</head>") + "</head>".length);
const BODY_OPEN = between(INDEX, "<body>", "</header>");
const MAIN = between(INDEX, '<main id="sisalto">', "</main>");
const AFTER_MAIN = INDEX.slice(INDEX.indexOf("</main>") + "</main>".length);
const SECTIONS = [...MAIN.matchAll(/<section[\s\S]*?<\/section>/g)].map((m) => m[0]);
// The Instagram section carries Elfsight's script and widget: once per page, like the real site.
const VENDOR_SECTION = SECTIONS.find((s) => s.includes("elfsight"));
const PLAIN_SECTIONS = SECTIONS.filter((s) => s !== VENDOR_SECTION);

/** One block of first-party content, numbered so ids and URLs differ. */
function block(n) {
  const sections = PLAIN_SECTIONS.map((s) => s.replace(/\bid="([^"]+)"/g, `id="$1-${n}"`)).join("\n");
  const state = JSON.stringify({
    block: n,
    products: Array.from({ length: 6 }, (_, i) => ({
      sku: `KP-${n}-${i}`,
      name: `Laskutuspaketti ${n}.${i}`,
      price: ((n * 7 + i * 13) % 100) + 0.9,
      tags: ["kevytyrittäjä", "laskutus", "ennakonpidätys"],
    })),
  });
  const gallery = Array.from(
    { length: 4 },
    (_, i) =>
      `<figure class="shot"><img src="/img/asiakas-${n}-${i}.webp" srcset="/img/asiakas-${n}-${i}.webp 1x, /img/asiakas-${n}-${i}@2x.webp 2x" width="320" height="200" loading="lazy" alt="Asiakaskuva ${n}.${i}"><figcaption>Asiakastarina ${n}.${i}: <a href="/tarinat/${n}-${i}">lue lisää</a></figcaption></figure>`,
  ).join("\n");
  return `<div class="block" data-block="${n}">
${sections}
<section class="gallery"><div class="container">${gallery}</div></section>
<link rel="prefetch" href="/hinnasto?from=${n}">
<script src="/assets/chunk-${n}.js" defer></script>
<script>window.KP_STATE = window.KP_STATE || []; window.KP_STATE.push(${state});</script>
</div>
`;
}

/** A realistic page of about `bytes` bytes (UTF-8). */
export function realisticPage(bytes) {
  const start = `${HEAD}\n${BODY_OPEN}\n<main id="sisalto">\n${VENDOR_SECTION}\n`;
  const end = `</main>${AFTER_MAIN}`;
  let body = "";
  let n = 0;
  while (Buffer.byteLength(start + body + end) < bytes) body += block(n++);
  return start + body + end;
}

/** The demo page's vendor snippets once more, for the end of a long page. */
const TAIL_VENDORS = [
  between(INDEX, "<!-- Google Tag Manager -->", "<!-- End Google Tag Manager -->"),
  between(INDEX, "<!-- Google tag (gtag.js) -->", "gtag('config', 'G-DEMO12345');\n</script>"),
  between(INDEX, "<!-- Google Tag Manager (noscript) -->", "<!-- End Google Tag Manager (noscript) -->"),
  VENDOR_SECTION,
].join("\n");

/**
 * A page of about `bytes` bytes, streamed: `start` (the demo head and vendor section), content
 * blocks from `blocks()` (a generator, so the page is never held whole), and `end` (the vendor
 * snippets again, then the demo page's Intercom snippets and `</html>`), ending in `END_MARK`.
 */
export const END_MARK = "<!-- end of the long page -->";
export function longPageParts(bytes) {
  const start = `${HEAD}\n${BODY_OPEN}\n<main id="sisalto">\n${VENDOR_SECTION}\n`;
  const end = `${TAIL_VENDORS}\n</main>${AFTER_MAIN}${END_MARK}\n`;
  const budget = bytes - Buffer.byteLength(start) - Buffer.byteLength(end);
  function* blocks() {
    let sent = 0;
    for (let n = 0; sent < budget; n++) {
      const b = block(n);
      sent += Buffer.byteLength(b);
      yield b;
    }
  }
  return { start, blocks, end };
}

const SHELL_START =
  '<!doctype html>\n<html lang="fi"><head><meta charset="utf-8"><title>Hostile</title></head><body>\n';
const SHELL_END = "\n</body></html>\n";

export const hostilePages = {
  /** 100,000 `<a></b>` pairs: every `</b>` is a stray end tag, every `<a>` reopens the last. */
  "hostile-ab": () => `${SHELL_START}${"<a></b>".repeat(100_000)}${SHELL_END}`,
  /** 40,000 nested `<div>`s, never closed until the end. */
  "hostile-div": () => `${SHELL_START}${"<div>".repeat(40_000)}deep${"</div>".repeat(40_000)}${SHELL_END}`,
};

export const realisticSizes = { "page-20k": 20_000, "page-200k": 200_000, "page-2m": 2_000_000 };

/** Every page the origin serves, by path (without the leading slash). */
export function allPages() {
  const pages = {};
  for (const [name, size] of Object.entries(realisticSizes)) pages[name] = realisticPage(size);
  for (const [name, make] of Object.entries(hostilePages)) pages[name] = make();
  return pages;
}

/** The slow page for the streaming proof: its <head> first, the rest 2 s later. */
export function slowPageParts() {
  const page = realisticPage(200_000);
  const cut = page.indexOf("</head>") + "</head>".length;
  return [page.slice(0, cut), page.slice(cut)];
}
