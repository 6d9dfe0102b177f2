/**
 * An oracle for "no element that would make the browser contact a refused vendor", independent
 * of the gate: it parses the gate's OUTPUT with parse5 (a spec-conformant tree builder, with
 * its own character-reference decoding), walks the tree the way a browser would, and classifies
 * every fetched URL with its own vendor host list, written from the vendors' documentation rather
 * than from policies/vendors/*.yaml.
 *
 * Two parses: with scripting on (noscript content is text, as a browser with JavaScript sees
 * it) and with scripting off (noscript content is markup, as a browser without JavaScript sees
 * it). iframe srcdoc documents and template contents are walked too.
 */
import { type CSSToken, TokenType, tokenize } from "@csstools/css-tokenizer";
import { type DefaultTreeAdapterMap, parse } from "parse5";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

export type OraclePurpose = "functional" | "analytics" | "marketing" | "social";

const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";

interface HostRule {
  /** The host itself and all its subdomains. */
  domain: string;
  purposes: OraclePurpose[];
  /** Only these path prefixes (lower case); any path when absent. */
  paths?: string[];
}

/** Hosts the test policy's vendors load from, from their install docs. */
const HOSTS: HostRule[] = [
  // Intercom Messenger: widget.intercom.io, api-iam.intercom.io, js.intercomcdn.com, ...
  ...["intercom.io", "intercomcdn.com", "intercomassets.com", "intercomusercontent.com", "intercom-messenger.com"].map(
    (domain) => ({ domain, purposes: ["functional"] as OraclePurpose[] }),
  ),
  // Google Analytics collection endpoints.
  { domain: "google-analytics.com", purposes: ["analytics"] },
  { domain: "analytics.google.com", purposes: ["analytics"] },
  // Google Ads / Floodlight.
  { domain: "doubleclick.net", purposes: ["marketing"] },
  { domain: "googleadservices.com", purposes: ["marketing"] },
  { domain: "googlesyndication.com", purposes: ["marketing"] },
  { domain: "www.google.com", purposes: ["marketing"], paths: ["/pagead/", "/ads/", "/measurement/conversion/"] },
  // Meta Pixel: fbevents.js and the /tr pixel.
  { domain: "connect.facebook.net", purposes: ["marketing"] },
  // facebook.com answers /tr on the bare domain and on www., web. and m. alike.
  { domain: "facebook.com", purposes: ["marketing"], paths: ["/tr"] },
  // LinkedIn Insight Tag: the loader and its pixel (px. now, dc. in older snippets).
  { domain: "snap.licdn.com", purposes: ["marketing"] },
  { domain: "px.ads.linkedin.com", purposes: ["marketing"] },
  { domain: "dc.ads.linkedin.com", purposes: ["marketing"] },
  { domain: "www.linkedin.com", purposes: ["marketing"], paths: ["/px/"] },
  // Elfsight widget platform and the Instagram images it shows.
  { domain: "elfsight.com", purposes: ["social"] },
  { domain: "elfsightcdn.com", purposes: ["social"] },
  { domain: "www.instagram.com", purposes: ["social"] },
  { domain: "cdninstagram.com", purposes: ["social"] },
];

/** Purposes that must all be allowed for the browser to fetch `url`; empty for other URLs. */
export function vendorPurposes(url: URL): OraclePurpose[] {
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {}
  path = path.toLowerCase().replace(/\/{2,}/g, "/");
  // www.googletagmanager.com serves both: gtag.js is analytics (or Ads for AW-/DC- ids), gtm.js
  // and ns.html are the marketing container, anything else there needs both.
  if (host === "googletagmanager.com" || host === "www.googletagmanager.com") {
    if (path.startsWith("/gtag/js")) {
      const ids = url.searchParams.getAll("id").map((id) => id.toUpperCase());
      return ids.some((id) => id.startsWith("AW-") || id.startsWith("DC-")) ? ["marketing"] : ["analytics"];
    }
    if (path.startsWith("/gtm.js") || path.startsWith("/ns.html")) return ["marketing"];
    return ["analytics", "marketing"];
  }
  const out = new Set<OraclePurpose>();
  // Google Ads' remarketing pixel on Google's country domains (www.google.fi, www.google.co.uk, ...).
  if (/^www\.google\.(?:com?\.)?[a-z]{2,3}$/.test(host) && path.startsWith("/pagead/")) out.add("marketing");
  for (const rule of HOSTS) {
    if (host !== rule.domain && !host.endsWith(`.${rule.domain}`)) continue;
    if (rule.paths && !rule.paths.some((p) => path.startsWith(p))) continue;
    for (const p of rule.purposes) out.add(p);
  }
  return [...out];
}

/** Loader signatures: text a vendor's own inline snippet contains and a mere mention does not. */
const LOADERS: Array<[OraclePurpose, string]> = [
  ["functional", "window.intercomSettings"],
  ["functional", "widget.intercom.io/widget"],
  ["functional", "Intercom('boot'"],
  ["functional", "@intercom/messenger-js-sdk"],
  ["analytics", "googletagmanager.com/gtag/js"],
  ["analytics", "gtag('config', 'G-"],
  ["analytics", "google-analytics.com/analytics.js"],
  ["analytics", "ga('create'"],
  ["marketing", "'gtm.start'"],
  ["marketing", "googletagmanager.com/gtm.js"],
  ["marketing", "gtag('config', 'AW-"],
  ["marketing", "connect.facebook.net/en_US/fbevents.js"],
  ["marketing", "fbq('init'"],
  ["marketing", "_linkedin_partner_id"],
  ["marketing", "snap.licdn.com/li.lms-analytics"],
  ["social", "elfsight.com/platform/platform.js"],
  ["social", "elfsight.com/p/platform.js"],
  ["social", "elfsightcdn.com/platform.js"],
  ["social", "instagram.com/embed.js"],
];

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, "").replace(/["`]/g, "'");
const SQUASHED_LOADERS = LOADERS.map(([purpose, text]) => [purpose, squash(text), text] as const);

/** Vendor loaders whose signature occurs in a script's text. */
export function loaderPurposes(text: string): Array<{ purpose: OraclePurpose; signature: string }> {
  const s = squash(text);
  return SQUASHED_LOADERS.filter(([, sig]) => s.includes(sig)).map(([purpose, , signature]) => ({
    purpose,
    signature,
  }));
}

/** Attributes whose URLs the browser fetches without any click, per element (HTML or SVG). */
const FETCHING: Record<string, string[]> = {
  script: ["src", "href", "xlink:href"],
  iframe: ["src"],
  frame: ["src"],
  img: ["src", "srcset"],
  source: ["src", "srcset"],
  video: ["src", "poster"],
  audio: ["src"],
  track: ["src"],
  embed: ["src"],
  object: ["data"],
  input: ["src"],
  link: ["href", "imagesrcset"],
  image: ["href", "xlink:href"],
  use: ["href", "xlink:href"],
  a: ["ping"],
  area: ["ping"],
};

/**
 * Attributes lazy loaders and delayed-script optimisers move into `src`/`srcset` (or a CSS
 * background) after a scroll or the first interaction: a contact as good as the real one.
 */
const LAZY = [
  "data-src",
  "data-rocket-src",
  "data-lazy-src",
  "data-srcset",
  "data-lazy-srcset",
  "data-bg",
  "data-poster",
];

/** `<link>` relations that fetch nothing (HTML's link types): such a link contacts no one. */
const QUIET_RELS = new Set(
  "alternate author bookmark canonical external help license me nofollow noopener noreferrer opener prev shortlink tag".split(
    " ",
  ),
);

/**
 * URLs CSS loads, read from the tokenizer's output: url(x), and the string right after url(,
 * src( or @import, and any string inside image-set(.
 */
function cssUrls(css: string): string[] {
  const tokens: CSSToken[] = tokenize({ css });
  const out: string[] = [];
  const significant = tokens.filter((t) => t[0] !== TokenType.Whitespace && t[0] !== TokenType.Comment);
  significant.forEach((t, i) => {
    const prev = significant[i - 1];
    if (t[0] === TokenType.URL) out.push(t[4].value);
    else if (t[0] === TokenType.String && prev) {
      const name = prev[0] === TokenType.Function || prev[0] === TokenType.AtKeyword ? prev[4].value.toLowerCase() : "";
      if (["url", "src", "import"].includes(name)) out.push(t[4].value);
    }
  });
  let inImageSet = 0;
  for (const t of tokens) {
    if (t[0] === TokenType.Function) inImageSet += /image-set$/i.test(t[4].value) || inImageSet ? 1 : 0;
    else if (t[0] === TokenType.OpenParen && inImageSet) inImageSet++;
    else if (t[0] === TokenType.CloseParen && inImageSet) inImageSet--;
    else if (t[0] === TokenType.String && inImageSet) out.push(t[4].value);
  }
  return out;
}

export interface Violation {
  where: string;
  purposes: OraclePurpose[];
  detail: string;
}

function attr(el: Element, name: string): string | null {
  for (const a of el.attrs) {
    const full = a.prefix ? `${a.prefix}:${a.name}` : a.name;
    if (full === name) return a.value;
  }
  return null;
}

/** URL candidates of one attribute value, as generously as a srcset/ping parser could read it. */
function candidates(name: string, value: string): string[] {
  if (name.endsWith("srcset")) {
    return value
      .split(",")
      .map((c) => c.trim().split(/\s+/)[0] ?? "")
      .filter(Boolean);
  }
  if (name === "ping") return value.split(/\s+/).filter(Boolean);
  return [value];
}

function resolve(value: string, base: URL): URL | null {
  try {
    const url = new URL(value, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

function children(node: Node): Node[] {
  const out: Node[] = "childNodes" in node ? [...node.childNodes] : [];
  if (node.nodeName === "template" && "content" in node)
    out.push(...(node.content as { childNodes: Node[] }).childNodes);
  return out;
}

function firstBase(node: Node, page: URL): URL | null {
  if (node.nodeName === "base" && "attrs" in node) {
    const href = attr(node, "href");
    if (href !== null) return resolve(href, page) ?? page;
  }
  for (const child of children(node)) {
    const found = firstBase(child, page);
    if (found) return found;
  }
  return null;
}

function describe(el: Element): string {
  const attrs = el.attrs.map((a) => ` ${a.prefix ? `${a.prefix}:` : ""}${a.name}="${a.value}"`).join("");
  return `<${el.tagName}${attrs}>`;
}

function textOf(el: Element): string {
  return el.childNodes.map((c) => (c.nodeName === "#text" && "value" in c ? c.value : "")).join("");
}

function walkDocument(html: string, page: URL, scripting: boolean, where: string, out: Violation[], depth: number) {
  const doc = parse(html, { scriptingEnabled: scripting });
  const base = firstBase(doc, page) ?? page;
  const visit = (node: Node) => {
    if ("tagName" in node) {
      const el = node as Element;
      const name = el.tagName;
      const isScript = name === "script" && (el.namespaceURI === HTML_NS || el.namespaceURI === SVG_NS);
      const rels = name === "link" ? (attr(el, "rel") ?? "").toLowerCase().split(/\s+/).filter(Boolean) : [];
      const quiet = rels.length > 0 && rels.every((r) => QUIET_RELS.has(r));
      for (const attribute of quiet ? [] : [...(FETCHING[name] ?? []), ...LAZY]) {
        const value = attr(el, attribute);
        if (value === null) continue;
        for (const c of candidates(attribute, value)) {
          const url = resolve(c, base);
          const purposes = url ? vendorPurposes(url) : [];
          if (purposes.length) out.push({ where, purposes, detail: `${describe(el)} fetches ${url}` });
        }
      }
      // A refresh navigates to its URL; an SVG animation of href loads each value it sets.
      const declared: string[] = [];
      if (name === "meta" && (attr(el, "http-equiv") ?? "").trim().toLowerCase() === "refresh") {
        const m = /^\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)/i.exec(attr(el, "content") ?? "");
        if (m?.[1]?.trim()) declared.push(m[1].trim());
      }
      if ((name === "set" || name === "animate") && /href$/i.test(attr(el, "attributeName") ?? ""))
        for (const a of ["to", "from", "values"]) declared.push(...(attr(el, a) ?? "").split(";").map((v) => v.trim()));
      for (const value of declared) {
        const url = value ? resolve(value, base) : null;
        const purposes = url ? vendorPurposes(url) : [];
        if (purposes.length) out.push({ where, purposes, detail: `${describe(el)} loads ${url}` });
      }
      // CSS: a style sheet's text and a style attribute.
      const css = [attr(el, "style") ?? "", name === "style" ? textOf(el) : ""].join("\n");
      for (const value of css.trim() ? cssUrls(css) : []) {
        const url = resolve(value, base);
        const purposes = url ? vendorPurposes(url) : [];
        if (purposes.length) out.push({ where, purposes, detail: `${describe(el)} CSS loads ${url}` });
      }
      const background = attr(el, "background");
      if (background !== null) {
        const url = resolve(background, base);
        const purposes = url ? vendorPurposes(url) : [];
        if (purposes.length) out.push({ where, purposes, detail: `${describe(el)} fetches ${url}` });
      }
      // An HTML script with src runs the file, not its text; an SVG script runs its text.
      if (isScript && (el.namespaceURI === SVG_NS || attr(el, "src") === null)) {
        for (const { purpose, signature } of loaderPurposes(textOf(el)))
          out.push({ where, purposes: [purpose], detail: `${describe(el)} runs a loader with "${signature}"` });
      }
      // Elfsight's container carries the class token elfsight-app-<widget uuid>.
      if (/(?:^|\s)elfsight-app-[0-9a-f]{8}-[0-9a-f]{4}-/i.test(attr(el, "class") ?? ""))
        out.push({ where, purposes: ["social"], detail: `${describe(el)} is an Elfsight widget container` });
      const srcdoc = name === "iframe" ? attr(el, "srcdoc") : null;
      if (srcdoc !== null && depth < 4)
        walkDocument(srcdoc, base, scripting, `${where} > iframe srcdoc`, out, depth + 1);
    }
    for (const child of children(node)) visit(child);
  };
  visit(doc);
}

/** Every vendor contact `html` would make, with scripting on and with scripting off. */
export function vendorContacts(html: string, page: URL): Violation[] {
  const out: Violation[] = [];
  walkDocument(html, page, true, "scripting on", out, 0);
  walkDocument(html, page, false, "scripting off", out, 0);
  return out;
}

/** The contacts that go to a vendor whose purpose is not in `allowed`. */
export function refusedContacts(html: string, page: URL, allowed: readonly string[]): Violation[] {
  return vendorContacts(html, page).filter((v) => v.purposes.some((p) => !allowed.includes(p)));
}
