/**
 * The contract allows the gatekeeper to add its own elements to a page (banner, styles, consent
 * defaults, placeholders), each marked `data-gatekeeper`. Tests of tag removal compare the page
 * without them: this cuts every element carrying that attribute, start tag to end tag, out of the
 * markup, using parse5's source locations so that nothing else moves.
 */
import { type DefaultTreeAdapterMap, parse } from "parse5";

type Node = DefaultTreeAdapterMap["node"];

export const MARK = "data-gatekeeper";

/** Source ranges [start, end) of the outermost elements marked `data-gatekeeper`. */
export function injectedRanges(html: string): Array<[number, number]> {
  const doc = parse(html, { sourceCodeLocationInfo: true });
  const ranges: Array<[number, number]> = [];
  const visit = (node: Node) => {
    if ("attrs" in node && node.attrs.some((a) => a.name === MARK && !a.prefix)) {
      const loc = node.sourceCodeLocation;
      // The parser makes up <html>, <head> and <body> when the markup has none: nothing to cut.
      if (loc) {
        ranges.push([loc.startOffset, loc.endOffset]);
        return;
      }
    }
    if ("childNodes" in node) for (const child of node.childNodes) visit(child);
    if (node.nodeName === "template" && "content" in node) for (const child of node.content.childNodes) visit(child);
  };
  visit(doc);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** `html` without the elements the gatekeeper injected. */
export function withoutInjected(html: string): string {
  let out = "";
  let at = 0;
  for (const [start, end] of injectedRanges(html)) {
    if (start < at) continue;
    out += html.slice(at, start);
    at = end;
  }
  return out + html.slice(at);
}

/**
 * The contract's other allowed difference: a vendor tag "re-pointed to a first-party path under
 * /__gk/". Null when `page` (already without injected elements) is `expected` except for start
 * tags in which exactly one attribute, naming a vendor URL, now reads `name="/__gk/...<same query>"`;
 * otherwise why not. `isVendorUrl` says whether the original value is a vendor's.
 */
export function repointDifference(
  expected: string,
  page: string,
  isVendorUrl: (value: string) => URL | null,
): string | null {
  const pieces: Array<{ literal: string } | { tag: string; name: string; value: string }> = [];
  const re = /\s([^\s"'>/=]+)="(\/__gk\/[^"]*)"/g;
  let at = 0;
  for (let m = re.exec(page); m; m = re.exec(page)) {
    const start = page.lastIndexOf("<", m.index);
    const end = page.indexOf(">", m.index + m[0].length);
    if (start < at || end === -1) return `cannot read the start tag around ${m[0]}`;
    pieces.push({ literal: page.slice(at, start) });
    pieces.push({ tag: page.slice(start, end + 1), name: m[1]!, value: m[2]! });
    at = end + 1;
    re.lastIndex = at;
  }
  pieces.push({ literal: page.slice(at) });
  let pos = 0;
  for (const piece of pieces) {
    if ("literal" in piece) {
      if (!expected.startsWith(piece.literal, pos)) return `differs at ${pos}`;
      pos += piece.literal.length;
      continue;
    }
    const end = expected.indexOf(">", pos);
    const original = end === -1 ? "" : expected.slice(pos, end + 1);
    const attr = new RegExp(`(\\s)${piece.name.replace(/[^\w:-]/g, "")}\\s*=\\s*("[^"]*"|'[^']*'|[^\\s>]+)`);
    const found = attr.exec(original);
    if (!found) return `${piece.tag} stands for ${original}, which has no ${piece.name}`;
    const raw = found[2]!.replace(/^["']|["']$/g, "");
    const rewritten = original.replace(attr, `$1${piece.name}="${piece.value}"`);
    if (rewritten !== piece.tag) return `${piece.tag} is not ${original} re-pointed`;
    const url = isVendorUrl(raw);
    if (!url) return `${original} was not a vendor tag`;
    const moved = new URL(piece.value, "https://first.party");
    if (moved.search !== url.search) return `${piece.tag} lost the query of ${url}`;
    pos = end + 1;
  }
  return pos === expected.length ? null : `the page ends early, at ${pos}`;
}
