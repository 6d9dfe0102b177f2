/// <reference types="vite/client" />
/**
 * Properties of the gate over random pages: random first-party markup interleaved with random
 * vendor tags (every vendor of the test policy, in the forms their snippets use and the spellings an HTML
 * parser accepts), fed at random chunk sizes.
 *
 *   (a) With purposes refused, parse5 finds in the output no element that fetches from a refused
 *       vendor and no script running a refused vendor's loader, with scripting on and off
 *       (test/helpers/vendor-oracle.ts: its own vendor list, not the policy's).
 *   (b) With every purpose allowed, the output is the input, byte for byte (apart from vendor
 *       tags re-pointed to first-party paths under /__gk/, which the contract allows).
 *   (c) With some purposes refused, the output is exactly the input with each refused vendor
 *       tag replaced by its removal form ("" for elements, empty text for inline scripts and
 *       noscripts, no ping attribute for links): no byte outside a vendor tag changes, and the
 *       first-party markers all survive, in order.
 * Outputs are read without the elements the gatekeeper injects (data-gatekeeper).
 *
 * fast-check prints `seed` and `path` on failure; pass them back as `{ seed, path }` in the
 * fc.assert parameters to replay the exact counterexample.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SITE } from "../helpers/gate";
import { chunkSizes, cut, expectPage, PURPOSES, type Purpose, runGate, utf8 } from "../helpers/streaming";
import { loaderPurposes, refusedContacts } from "../helpers/vendor-oracle";

const PAGE = new URL("/", SITE);

// ---------------------------------------------------------------------------------------------
// Vendor URLs, each with the purposes that must all be allowed for it to load.

const URLS: Array<[string, Purpose[]]> = [
  ["https://widget.intercom.io/widget/demoapp1", ["functional"]],
  ["https://js.intercomcdn.com/frame-modern.5c3e2b1a.js", ["functional"]],
  ["https://api-iam.intercom.io/messenger/web/ping", ["functional"]],
  ["https://www.googletagmanager.com/gtag/js?id=G-DEMO12345", ["analytics"]],
  ["https://www.google-analytics.com/analytics.js", ["analytics"]],
  ["https://region1.google-analytics.com/g/collect?v=2&tid=G-DEMO12345", ["analytics"]],
  ["https://www.googletagmanager.com/gtm.js?id=GTM-DEMO123", ["marketing"]],
  ["https://www.googletagmanager.com/ns.html?id=GTM-DEMO123", ["marketing"]],
  ["https://www.googletagmanager.com/gtag/js?id=AW-123456789", ["marketing"]],
  ["https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/", ["marketing"]],
  ["https://www.googleadservices.com/pagead/conversion.js", ["marketing"]],
  ["https://www.google.com/pagead/1p-user-list/123456789/", ["marketing"]],
  ["https://connect.facebook.net/en_US/fbevents.js", ["marketing"]],
  ["https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1", ["marketing"]],
  ["https://snap.licdn.com/li.lms-analytics/insight.min.js", ["marketing"]],
  ["https://px.ads.linkedin.com/collect/?pid=1234567&fmt=gif", ["marketing"]],
  // The host serves gtag.js (analytics) and gtm.js (marketing): anything else there needs both.
  ["https://www.googletagmanager.com/", ["analytics", "marketing"]],
  ["https://static.elfsight.com/platform/platform.js", ["social"]],
  ["https://elfsightcdn.com/platform.js", ["social"]],
  ["https://apps.elfsight.com/p/platform.js", ["social"]],
  ["https://scontent-arn2-1.cdninstagram.com/v/t51.2885-15/demo.jpg", ["social"]],
  ["https://www.instagram.com/embed.js", ["social"]],
];

// ---------------------------------------------------------------------------------------------
// Inline loaders, cut from the official snippets in test/fixtures/vendors, labelled by hand.

const FIXTURES = import.meta.glob<string>("../fixtures/vendors/*/*.html", {
  query: "?raw",
  import: "default",
  eager: true,
});
const INLINE_PURPOSES: Record<string, Purpose[]> = {
  intercom: ["functional"],
  "google-analytics": ["analytics"],
  "google-tag-manager": ["marketing"],
  "meta-pixel": ["marketing"],
  "linkedin-insight": ["marketing"],
  // gtag('config', 'AW-...') and conversion events: Google Ads only (GA's snippets name G- or UA- ids).
  "google-ads": ["marketing"],
};
const LOADERS: Array<[string, Purpose[]]> = Object.entries(FIXTURES).flatMap(([path, html]) => {
  const vendor = /vendors\/([^/]+)\//.exec(path)?.[1] ?? "";
  const purposes = INLINE_PURPOSES[vendor];
  if (!purposes) return [];
  return [...html.matchAll(/<script(?![^>]*\ssrc)[^>]*>([\s\S]*?)<\/script>/gi)]
    .map((m) => m[1] ?? "")
    .filter((text) => loaderPurposes(text).length > 0)
    .map((text) => [text, purposes] as [string, Purpose[]]);
});

// ---------------------------------------------------------------------------------------------
// Spellings.

/** Upper, lower or mixed case, as the HTML parser ignores it in names. */
const nameCase = (name: string) =>
  fc.constantFrom(name, name.toUpperCase(), name.charAt(0).toUpperCase() + name.slice(1));

/** An attribute as written: any name case, and double, single or no quotes where allowed. */
function attribute(name: string, value: string): fc.Arbitrary<string> {
  const quotes: Array<'"' | "'" | ""> = ['"', "'"];
  if (value !== "" && !/[\s"'=<>`]/.test(value)) quotes.push("");
  const safe = (q: string) => (q === '"' ? !value.includes('"') : q === "'" ? !value.includes("'") : true);
  return fc
    .tuple(nameCase(name), fc.constantFrom(...quotes.filter(safe)))
    .map(([n, q]) => (value === "" ? ` ${n}` : ` ${n}=${q}${value}${q}`));
}

/** A vendor URL as it may appear in an attribute: the browser fetches the same resource. */
const urlSpelling = (url: string): fc.Arbitrary<string> =>
  fc
    .record({
      relative: fc.boolean(),
      upperHost: fc.boolean(),
      slashes: fc.constantFrom("/", "&#x2F;", "&#47;", "&sol;"),
      dot: fc.constantFrom(".", ".", "&#46;", "&period;"),
      pad: fc.constantFrom("", "", " ", "\n\t", "  "),
    })
    .map(({ relative, upperHost, slashes, dot, pad }) => {
      const u = new URL(url);
      const host = upperHost ? u.host.toUpperCase() : u.host;
      const [first, ...rest] = host.split(".");
      const spelledHost = [first, ...rest].join(dot);
      const rest2 = (u.pathname + u.search).replace(/\//g, (s, i: number) => (i === 0 ? slashes : s));
      const scheme = relative ? "" : `${u.protocol}`;
      return `${pad}${scheme}${slashes}${slashes}${spelledHost}${rest2}${pad}`;
    });

const scriptType = fc.constantFrom(
  "",
  ' type="text/javascript"',
  ' type="module"',
  " TYPE=Module",
  " type='text/partytown'",
  ' type="TEXT/PARTYTOWN"',
);

// ---------------------------------------------------------------------------------------------
// Segments: what the input holds, and what the output must hold in its place.

interface Segment {
  html: string;
  /** Empty for first-party markup, which must pass unchanged. */
  purposes: Purpose[];
  /** What replaces `html` when any of `purposes` is refused. */
  removed: string;
  marker?: string;
}

const vendorUrl = fc.constantFrom(...URLS);

const vendorTag: fc.Arbitrary<Segment> = fc.oneof(
  // <script src>
  fc.tuple(vendorUrl, scriptType, fc.constantFrom("", " async", " defer")).chain(([[url, purposes], type, flag]) =>
    fc
      .tuple(
        nameCase("script"),
        urlSpelling(url).chain((u) => attribute("src", u)),
      )
      .map(([tag, src]) => ({ html: `<${tag}${type}${flag}${src}></${tag}>`, purposes, removed: "" })),
  ),
  // Inline loaders from the official snippets, any script type.
  fc.tuple(fc.constantFrom(...LOADERS), scriptType).map(([[text, purposes], type]) => ({
    html: `<script${type}>${text}</script>`,
    purposes,
    removed: `<script${type}></script>`,
  })),
  // <noscript> iframes and pixels.
  fc
    .tuple(vendorUrl, fc.constantFrom("iframe", "img"), fc.constantFrom("", "\n"))
    .chain(([[url, purposes], element, nl]) =>
      urlSpelling(url)
        .chain((u) => attribute("src", u))
        .map((src) => {
          const inner =
            element === "img"
              ? `<img height="1" width="1" style="display:none"${src} />`
              : `<iframe${src} height="0" width="0" style="display:none;visibility:hidden"></iframe>`;
          return {
            html: `<noscript>${nl}${inner}${nl}</noscript>`,
            purposes,
            removed: `<noscript>${nl}${nl}</noscript>`,
          };
        }),
    ),
  // Resource hints.
  fc
    .tuple(vendorUrl, fc.constantFrom("preconnect", "dns-prefetch", "preload", "prefetch", "modulepreload"))
    .chain(([[url, purposes], rel]) =>
      fc
        .tuple(
          attribute("rel", rel),
          urlSpelling(url).chain((u) => attribute("href", u)),
        )
        .map(([r, href]) => ({
          html: `<link${r}${rel === "preload" ? ' as="script"' : ""}${href}>`,
          purposes,
          removed: "",
        })),
    ),
  // Iframes.
  vendorUrl.chain(([url, purposes]) =>
    urlSpelling(url)
      .chain((u) => attribute("src", u))
      .map((src) => ({ html: `<iframe${src} title="x"></iframe>`, purposes, removed: "" })),
  ),
  // Images with a vendor candidate somewhere in srcset: the image stays, the candidate goes.
  fc.tuple(vendorUrl, fc.boolean()).map(([[url, purposes], first]) => {
    const set = first ? `${url} 1x, /img/local@2x.png 2x` : `/img/local.png 1x,${url} 2x`;
    const kept = first ? "/img/local@2x.png 2x" : "/img/local.png 1x";
    return {
      html: `<img src="/img/local.png" srcset="${set}" alt="">`,
      purposes,
      removed: `<img src="/img/local.png" srcset="${kept}" alt="">`,
    };
  }),
  // <a ping>: the link and its first-party ping stay, the vendor's URL goes.
  vendorUrl.map(([url, purposes]) => ({
    html: `<a href="/tuotteet" ping="/api/ping ${url}">Tuotteet</a>`,
    purposes,
    removed: `<a href="/tuotteet" ping="/api/ping">Tuotteet</a>`,
  })),
  // Vendor-only pings: the attribute goes.
  vendorUrl.map(([url, purposes]) => ({
    html: `<a href="/tuotteet" ping="${url}">Tuotteet</a>`,
    purposes,
    removed: `<a href="/tuotteet">Tuotteet</a>`,
  })),
  // Delayed and lazy loading: the URL waits in a data- attribute for a loader to move it.
  fc
    .tuple(
      vendorUrl,
      fc.constantFrom(
        ["script", ' type="rocketlazyloadscript"', "data-rocket-src"],
        ["script", ' type="litespeed/javascript"', "data-src"],
        ["script", ' type="text/plain" data-category="marketing"', "data-src"],
        ["iframe", ' title="x"', "data-lazy-src"],
        ["iframe", ' class="lazyload"', "data-src"],
        ["img", ' class="lazyload" alt=""', "data-src"],
        ["img", ' class="lazyload" alt=""', "data-srcset"],
      ),
    )
    .chain(([[url, purposes], [tag, rest, name]]) =>
      urlSpelling(url)
        .chain((u) => attribute(name as string, u))
        .map((a) => ({
          html: tag === "img" ? `<img${rest}${a}>` : `<${tag}${rest}${a}></${tag}>`,
          purposes,
          // A srcset is not the image's main resource: the image stays without it.
          removed: name === "data-srcset" ? `<img${rest}>` : "",
        })),
    ),
  // Declarative loads: a refresh to the vendor, an SVG animation setting href to it.
  vendorUrl.map(([url, purposes]) => ({
    html: `<meta http-equiv="refresh" content="0; url=${url}">`,
    purposes,
    removed: "",
  })),
  vendorUrl.map(([url, purposes]) => ({
    html: `<svg><image href="/img/a.png"><set attributeName="href" to="${url}" begin="1s"/></image></svg>`,
    purposes,
    removed: `<svg><image href="/img/a.png"></image></svg>`,
  })),
  // CSS: the vendor's @import or declaration goes, the rest of the styles stay.
  vendorUrl.map(([url, purposes]) => ({
    html: `<style>.oma{color:red}\n@import url("${url}");\n.v{margin:0;background:url(${url}) no-repeat}</style>`,
    purposes,
    removed: `<style>.oma{color:red}\n\n.v{margin:0;}</style>`,
  })),
  vendorUrl.map(([url, purposes]) => ({
    html: `<p style="color:red;background-image:url('${url}')">Teksti</p>`,
    purposes,
    removed: `<p style="color:red;">Teksti</p>`,
  })),
  // Parts of first-party elements: the vendor's attribute goes, the element and its content stay.
  vendorUrl.map(([url, purposes]) => ({
    html: `<video src="/media/esittely.mp4" poster="${url}" controls></video>`,
    purposes,
    removed: `<video src="/media/esittely.mp4" controls></video>`,
  })),
  vendorUrl.map(([url, purposes]) => ({
    html: `<div class="lazyload" data-bg="${url}"><p>Tausta</p></div>`,
    purposes,
    removed: `<div class="lazyload"><p>Tausta</p></div>`,
  })),
  // The Elfsight widget container.
  fc.constant({
    html: `<div class="elfsight-app-5d6e2f3a-8b1c-4d7e-9f20-3a4b5c6d7e8f" data-elfsight-app-lazy></div>`,
    purposes: ["social"] as Purpose[],
    removed: "",
  }),
  // An iframe whose srcdoc loads a vendor script.
  vendorUrl.map(([url, purposes]) => ({
    html: `<iframe srcdoc="&lt;p&gt;x&lt;/p&gt;&lt;script src=&quot;${url.replace(/&/g, "&amp;amp;")}&quot;&gt;&lt;/script&gt;"></iframe>`,
    purposes,
    removed: "",
  })),
);

/** Text with multi-byte characters, escaped for HTML. */
const text = fc
  .string({
    unit: fc.constantFrom("a", "ä", "ö", "Å", "€", "–", "“", "😀", "漢", " ", "\n", "<", "&", ">", "'", '"'),
    maxLength: 24,
  })
  .map((s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));

/** First-party markup: kept whatever the consent. `#` is replaced by a unique marker. */
const firstParty: fc.Arbitrary<Segment> = fc
  .tuple(
    fc.constantFrom(
      "<p>#T</p>",
      "<h2 class=title>#T</h2>",
      `<pre><code>&lt;script async src="https://www.googletagmanager.com/gtm.js?id=GTM-X"&gt;&lt;/script&gt; #T</code></pre>`,
      `<p>Kutsu <code>fbq('init', '123')</code> vasta suostumuksen jälkeen. #T</p>`,
      `<script>/* # */ console.log("mentions Google Analytics, www.googletagmanager.com, connect.facebook.net and widget.intercom.io");</script>`,
      `<script type="application/ld+json">{"name":"#","sameAs":["https://www.instagram.com/kevytpankki/"]}</script>`,
      `<script src="/assets/#.js" defer></script>`,
      `<link rel="stylesheet" href="/assets/#.css">`,
      `<link rel="modulepreload" href="/app/#.js">`,
      `<img src="/img/#.png" srcset="/img/#@2x.png 2x" alt="#T">`,
      `<a href="https://www.instagram.com/kevytpankki/">#T</a>`,
      `<a href="https://www.facebook.com/sharer/sharer.php?u=x" ping="/ping/#">#T</a>`,
      `<noscript><p>#T</p><img src="/px/#.gif" alt=""></noscript>`,
      `<textarea># <script src="https://connect.facebook.net/en_US/fbevents.js"></script></textarea>`,
      `<!-- # <script src="https://www.googletagmanager.com/gtm.js"></script> -->`,
      `<iframe srcdoc="&lt;p&gt;#T&lt;/p&gt;" title="#"></iframe>`,
      `<svg viewBox="0 0 1 1"><circle r="1"/><text>#T</text></svg>`,
      `<div class="elfsight-note">#T</div>`,
      `<style>.#{background:url(/img/#.png)} @import "/css/#.css";</style><p style="background:url(/img/#.png);color:red">#T</p>`,
      `<section class="elfsight-app-section"><h2>#T</h2><a href="/x">linkki</a></section>`,
      `<link rel="me" href="https://www.instagram.com/kevytpankki/"><link rel="alternate canonical" href="https://www.facebook.com/tr/#">`,
      `<img class="lazyload" data-src="/img/#.png" data-srcset="/img/#@2x.png 2x" alt="#T">`,
      "#T\n",
    ),
    text,
  )
  .map(([template, t]) => ({ html: template.replace(/#T/g, `#${t}`), purposes: [], removed: "" }));

const page = fc
  .array(fc.oneof({ weight: 3, arbitrary: firstParty }, { weight: 2, arbitrary: vendorTag }), {
    minLength: 1,
    maxLength: 24,
  })
  .map((segments) =>
    segments.map((s, i) => {
      const marker = `fp${i}x`;
      return s.purposes.length ? s : { ...s, html: s.html.replace(/#/g, marker), marker };
    }),
  );

const PREFIX = `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Sivu</title></head><body>\n`;
const SUFFIX = "\n</body></html>\n";
const assemble = (segments: readonly Segment[], pick: (s: Segment) => string) =>
  PREFIX + segments.map(pick).join("") + SUFFIX;

const allowedSubset = fc.subarray([...PURPOSES]);

async function serve(input: string, sizes: number[], allow: readonly string[]) {
  const out = await runGate(cut(utf8(input), sizes), { allow });
  expect(out.status).toBe(200);
  return out;
}

describe("properties of the gate over random pages", () => {
  it("(a) leaves no contact with a refused vendor, with scripting on or off", async () => {
    await fc.assert(
      fc.asyncProperty(page, allowedSubset, chunkSizes, async (segments, allow, sizes) => {
        const input = assemble(segments, (s) => s.html);
        const out = await serve(input, sizes, allow);
        expect(refusedContacts(out.text, PAGE, allow)).toEqual([]);
      }),
      { numRuns: 250 },
    );
  }, 60_000);

  it("(b) passes the page byte for byte with every purpose allowed", async () => {
    await fc.assert(
      fc.asyncProperty(page, chunkSizes, async (segments, sizes) => {
        const input = assemble(segments, (s) => s.html);
        const out = await serve(input, sizes, PURPOSES);
        expectPage(out.page, input);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it("(c) removes refused vendor tags and changes no byte outside them", async () => {
    await fc.assert(
      fc.asyncProperty(page, allowedSubset, chunkSizes, async (segments, allow, sizes) => {
        const input = assemble(segments, (s) => s.html);
        const refused = (s: Segment) => s.purposes.some((p) => !allow.includes(p));
        const expected = assemble(segments, (s) => (refused(s) ? s.removed : s.html));
        const out = await serve(input, sizes, allow);
        // First-party segments survive, whole and in order ...
        let at = 0;
        for (const s of segments.filter((x) => x.marker)) {
          const found = out.page.indexOf(s.html, at);
          expect(found, `first-party segment ${s.marker} lost or moved`).toBeGreaterThanOrEqual(at);
          at = found + s.html.length;
        }
        // ... and the whole page is the input less exactly the refused vendor tags (allowed ones
        // may be re-pointed under /__gk/, as the contract allows).
        expectPage(out.page, expected);
      }),
      { numRuns: 250 },
    );
  }, 60_000);

  it("the generator covers every purpose, and the oracle sees the vendor tags it makes", () => {
    // Without this, (a) could pass because the oracle is blind.
    fc.assert(
      fc.property(vendorTag, (tag) => {
        expect(tag.purposes.length).toBeGreaterThan(0);
        const html = assemble([tag], (s) => s.html);
        expect(refusedContacts(html, PAGE, []), html).not.toEqual([]);
      }),
      { numRuns: 300 },
    );
    const covered = new Set([...URLS, ...LOADERS].flatMap(([, p]) => p));
    expect([...covered].sort()).toEqual([...PURPOSES].sort());
    expect(LOADERS.length).toBeGreaterThanOrEqual(15);
  });
});
