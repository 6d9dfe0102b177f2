/**
 * Code hidden in attributes, judged as inline code (./inline-judge.ts):
 * - `data:` URLs of scripts, decoded (percent escapes, base64): the browser runs their text;
 * - `javascript:` URLs of scripts and frames: the text after the scheme, percent-decoded;
 * - event-handler attributes (`onload`, `onclick`, `onerror`, ...): only the attribute goes.
 * https://fetch.spec.whatwg.org/#data-urls, https://html.spec.whatwg.org/multipage/browsing-the-web.html#the-javascript:-url-special-case
 */
import { decodeAttributeValue } from "./attribute-value";
import type { InlineJudge } from "./inline-script";

/** Tab, LF, CR (the URL parser deletes them) and leading/trailing C0 controls and spaces. */
function urlText(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 9 && c !== 10 && c !== 13) out += value[i];
  }
  let start = 0;
  let end = out.length;
  while (start < end && out.charCodeAt(start) <= 32) start++;
  while (end > start && out.charCodeAt(end - 1) <= 32) end--;
  return out.slice(start, end);
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Malformed escapes: decode what decodes, byte by byte as the URL parser would.
    return text.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

/** The forgiving base64 of the Infra standard: ASCII whitespace ignored; null when not base64. */
function base64Decode(text: string): string | null {
  let clean = "";
  for (const c of text) if (c !== " " && c !== "\t" && c !== "\n" && c !== "\f" && c !== "\r") clean += c;
  try {
    const binary = atob(clean);
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The code a `data:` or `javascript:` URL runs (from the attribute value with its character
 * references decoded), or null when the value is neither. A `data:` URL
 * that cannot be decoded yields "" (nothing to run), which is judged as such.
 */
export function codeOfUrl(decoded: string, allowData: boolean): string | null {
  const value = urlText(decoded);
  const scheme = value.slice(0, 11).toLowerCase();
  if (scheme.startsWith("javascript:")) return percentDecode(value.slice("javascript:".length));
  if (!allowData || !scheme.startsWith("data:")) return null;
  const comma = value.indexOf(",");
  if (comma === -1) return "";
  const meta = value.slice(5, comma).toLowerCase();
  const body = percentDecode(value.slice(comma + 1));
  const base64 = meta.split(";").some((p) => p.trim() === "base64");
  return base64 ? (base64Decode(body) ?? "") : body;
}

/**
 * The event-handler attributes whose elements are handed to JavaScript: `onload` and `onerror`,
 * which run without the visitor doing anything (`<img src=x onerror=…>` is a known loader trick),
 * and `onclick`, which "click to chat" buttons use to boot a vendor. Each attribute selector costs
 * native matching on every element of every page (measured: the standard's whole list of about
 * 110 more than doubled the cost of a rewriting pass, and each one costs about 0.4 % of the
 * gatekeeper's CPU on the bench page), so the other handlers
 * (https://html.spec.whatwg.org/multipage/webappapis.html#globaleventhandlers) are left to the
 * CSP; an element matched for one of these has all its on* attributes judged.
 */
export const EVENT_HANDLERS = ["onload", "onerror", "onclick"];

/** The refused vendors of each event-handler attribute the element has, by attribute name. */
export function refusedHandlers(el: Element, judge: InlineJudge): Array<[string, readonly string[]]> {
  const out: Array<[string, readonly string[]]> = [];
  for (const [name = "", raw = ""] of el.attributes) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("on")) continue;
    const refused = judge(decodeAttributeValue(raw), false);
    if (refused.length) out.push([lower, refused]);
  }
  return out;
}
