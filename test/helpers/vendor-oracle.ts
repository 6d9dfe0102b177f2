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
import { parse as parseScript } from "acorn";
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
  ["marketing", "/gtm.js?id="],
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

/** A URL as a script hands it to a loader: absolute, protocol-relative, or `host/path` to be completed. */
function literalVendorUrl(value: string): URL | null {
  const v = value.trim();
  let candidate = v;
  if (/^wss?:/i.test(v)) candidate = `http${v.slice(2)}`;
  else if (!/^(https?:|\/\/)/i.test(v)) {
    if (!/^\.?[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(v)) return null;
    candidate = `https://${v.replace(/^\./, "")}`;
  }
  try {
    const url = new URL(candidate, "https://kevyt.example/");
    return vendorPurposes(url).length ? url : null;
  } catch {
    return null;
  }
}

interface ScriptLiteral {
  start: number;
  end: number;
  value: string;
  specifier: boolean;
}

/** The script's comments and string literals, as acorn (an ECMAScript parser) reads them; null if it does not parse. */
function readScript(text: string): { comments: Array<[number, number]>; literals: ScriptLiteral[] } | null {
  for (const sourceType of ["script", "module"] as const) {
    const comments: Array<[number, number]> = [];
    let ast: unknown;
    try {
      ast = parseScript(text, {
        ecmaVersion: "latest",
        sourceType,
        allowHashBang: true,
        onComment: (_block, _text, start, end) => comments.push([start, end]),
      });
    } catch {
      continue;
    }
    const literals: ScriptLiteral[] = [];
    const specifiers = new Set<unknown>();
    const walk = (node: unknown) => {
      if (!node || typeof node !== "object") return;
      if (Array.isArray(node)) {
        for (const n of node) walk(n);
        return;
      }
      const n = node as Record<string, unknown> & { type?: string; start: number; end: number };
      if (
        n.type === "ImportDeclaration" ||
        n.type === "ImportExpression" ||
        n.type === "ExportAllDeclaration" ||
        n.type === "ExportNamedDeclaration"
      )
        specifiers.add(n.source);
      if (n.type === "Literal" && typeof n.value === "string")
        literals.push({ start: n.start, end: n.end, value: n.value, specifier: specifiers.has(n) });
      if (n.type === "TemplateElement") {
        const cooked = (n.value as { cooked?: string | null }).cooked ?? "";
        literals.push({ start: n.start - 1, end: n.end + 1, value: cooked, specifier: false });
      }
      for (const [key, value] of Object.entries(n)) if (key !== "type") walk(value);
    };
    walk(ast);
    return { comments, literals };
  }
  return null;
}

/** Whether acorn parses the text as a script or a module (else the oracle reads it whole). */
export function parsesAsScript(text: string): boolean {
  return readScript(text) !== null;
}

/**
 * What an executable script would load, by where acorn says things sit: every string or template
 * literal that is a vendor URL, and every loader signature that touches code or sits in a URL or
 * module specifier literal (not in a comment, not inside a literal that is data). A script that
 * does not parse is read whole, signatures anywhere.
 */
export function scriptContacts(text: string): Array<{ purpose: OraclePurpose; detail: string }> {
  const script = readScript(text);
  if (!script)
    return loaderPurposes(text).map(({ purpose, signature }) => ({ purpose, detail: `a loader with "${signature}"` }));
  const out: Array<{ purpose: OraclePurpose; detail: string }> = [];
  for (const literal of script.literals) {
    const url = literalVendorUrl(literal.value);
    if (url) for (const purpose of vendorPurposes(url)) out.push({ purpose, detail: `a literal URL ${url}` });
  }
  // Signature occurrences with their offsets: the squashed text, each character's offset kept.
  const offsets: number[] = [];
  let squashed = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/\s/.test(c)) continue;
    squashed += squash(c);
    offsets.push(i);
  }
  for (const [purpose, sig, signature] of SQUASHED_LOADERS) {
    for (let at = squashed.indexOf(sig); at !== -1; at = squashed.indexOf(sig, at + 1)) {
      const start = offsets[at] as number;
      const end = (offsets[at + sig.length - 1] as number) + 1;
      if (script.comments.some(([s, e]) => s <= start && end <= e)) continue;
      const inside = script.literals.find((l) => l.start <= start && end <= l.end);
      if (
        inside &&
        !inside.specifier &&
        !literalVendorUrl(inside.value) &&
        !/^(https?:|\/\/)/i.test(inside.value.trim())
      )
        continue;
      out.push({ purpose, detail: `a loader with "${signature}"` });
    }
  }
  return out;
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

/**
 * Whether a browser (or the deferred loader a real site hands it to) runs a script's text, from
 * the HTML standard's list of JavaScript types; written apart from src/match/script-type.ts.
 */
const RUN_TYPES = [
  "",
  "module",
  "text/javascript",
  "application/javascript",
  "application/ecmascript",
  "application/x-javascript",
  "application/x-ecmascript",
  "text/ecmascript",
  "text/jscript",
  "text/livescript",
  "text/x-javascript",
  "text/x-ecmascript",
  "text/partytown",
  "text/plain",
  "rocketlazyloadscript",
  "litespeed/javascript",
];
function runs(el: Element): boolean {
  const type = attr(el, "type");
  if (type === null) return true;
  const t = type.trim().toLowerCase();
  return RUN_TYPES.includes(t) || /^text\/javascript1\.[0-5]$/.test(t) || t.endsWith("-text/javascript");
}

/** URLs an import map or speculation rules make the browser load. */
function jsonUrls(el: Element): string[] {
  const type = (attr(el, "type") ?? "").trim().toLowerCase();
  if (type !== "importmap" && type !== "speculationrules") return [];
  let json: unknown;
  try {
    json = JSON.parse(textOf(el));
  } catch {
    return [];
  }
  const strings = (o: unknown): string[] =>
    o && typeof o === "object" ? Object.values(o).filter((v): v is string => typeof v === "string") : [];
  if (!json || typeof json !== "object") return [];
  const j = json as Record<string, unknown>;
  if (type === "importmap")
    return [
      ...strings(j.imports),
      ...Object.values((j.scopes as Record<string, unknown>) ?? {}).flatMap((m) => strings(m)),
    ];
  return Object.values(j).flatMap((rules) =>
    Array.isArray(rules)
      ? rules.flatMap((r) => (r && typeof r === "object" && Array.isArray(r.urls) ? (r.urls as string[]) : []))
      : [],
  );
}

/** The code a data: or javascript: URL runs (Node's own data-URL and base64 decoding). */
function oracleCodeOfUrl(value: string, data: boolean): string | null {
  const v = value.replace(/[\t\n\r]/g, "").trim();
  if (/^javascript:/i.test(v)) {
    try {
      return decodeURIComponent(v.slice(11));
    } catch {
      return v.slice(11);
    }
  }
  if (!data || !/^data:/i.test(v)) return null;
  const comma = v.indexOf(",");
  if (comma < 0) return "";
  const meta = v.slice(5, comma);
  let body = v.slice(comma + 1);
  try {
    body = decodeURIComponent(body);
  } catch {}
  return /;\s*base64\s*$/i.test(meta) ? Buffer.from(body, "base64").toString("utf8") : body;
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
      if (isScript && (el.namespaceURI === SVG_NS || (attr(el, "src") === null && runs(el)))) {
        for (const { purpose, detail } of scriptContacts(textOf(el)))
          out.push({ where, purposes: [purpose], detail: `${describe(el)} runs ${detail}` });
      }
      // Code in attributes: event handlers, and data:/javascript: URLs of scripts and frames.
      for (const a of el.attrs) {
        if (!a.name.toLowerCase().startsWith("on")) continue;
        for (const { purpose, detail } of scriptContacts(a.value))
          out.push({ where, purposes: [purpose], detail: `${describe(el)} ${a.name} runs ${detail}` });
      }
      const codeUrl = name === "script" || name === "iframe" || name === "frame" ? attr(el, "src") : null;
      const code = codeUrl === null ? null : oracleCodeOfUrl(codeUrl, name === "script");
      if (code !== null)
        for (const { purpose, detail } of scriptContacts(code))
          out.push({ where, purposes: [purpose], detail: `${describe(el)} URL runs ${detail}` });
      if (isScript && el.namespaceURI === HTML_NS)
        for (const u of jsonUrls(el)) {
          const url = resolve(u, base);
          const purposes = url ? vendorPurposes(url) : [];
          if (purposes.length) out.push({ where, purposes, detail: `${describe(el)} maps to ${url}` });
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
