// The bench reads HTML with parse5 (a spec-conformant parser), never with regular expressions:
// the elements of a page in document order, each with its source location.
import { parse } from "parse5";

/** Every element of `html`, in document order (template contents included), with locations. */
export function elementsOf(html) {
  const out = [];
  const walk = (node) => {
    if (node.tagName) out.push(node);
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parse(html, { sourceCodeLocationInfo: true }));
  return out;
}

export const attr = (el, name) => el.attrs.find((a) => a.name === name)?.value;
export const textOf = (el) => el.childNodes.map((c) => c.value ?? "").join("");

/** The source text of an element, start tag to end tag. */
export function outerHtml(html, el) {
  const at = el.sourceCodeLocation;
  return html.slice(at.startOffset, at.endOffset);
}

/** How many <script> elements the page has, and how many of them are inline. */
export function scriptCounts(html) {
  const scripts = elementsOf(html).filter((el) => el.tagName === "script");
  return { all: scripts.length, inline: scripts.filter((el) => attr(el, "src") === undefined).length };
}
