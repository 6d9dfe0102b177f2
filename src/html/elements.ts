/** Removing an element from the stream without disturbing the markup around it. */

export const HTML_NS = "http://www.w3.org/1999/xhtml";

/** https://html.spec.whatwg.org/multipage/syntax.html#void-elements */
const VOID_ELEMENTS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

/**
 * HTML elements whose content the tokenizer reads as text up to their own end tag (the raw text
 * and RCDATA parsing algorithms, and noscript with scripting on, as lol-html parses it: its
 * src/parser/tree_builder_simulator/mod.rs, get_text_type_adjustment): no ancestor's end tag can
 * close them, so there is nothing to put back, and asking for their end tag is a call from
 * lol-html spent for nothing.
 * https://html.spec.whatwg.org/multipage/parsing.html#generic-raw-text-element-parsing-algorithm
 */
const TEXT_ONLY = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title"]);

/** Removes the element (or puts `replacement` markup in its place), keeping its ancestor's end tag. */
export function removeElement(el: Element, replacement?: string): void {
  if (replacement) el.replace(replacement, { html: true });
  else el.remove();
  keepAncestorEndTag(el);
}

/**
 * lol-html hands an element left open the end tag of the ancestor that closes it
 * (`<section><div class="x"></section>`), so removing the element would remove that tag too,
 * changing the page around it. Put it back.
 */
function keepAncestorEndTag(el: Element): void {
  const name = el.tagName.toLowerCase();
  // Void elements: lol-html throws (no end tag to wait for), and asking costs a thrown exception.
  if (el.namespaceURI === HTML_NS && (VOID_ELEMENTS.has(name) || TEXT_ONLY.has(name))) return;
  try {
    el.onEndTag((end) => {
      if (end.name.toLowerCase() !== name) end.after(`</${end.name}>`, { html: true });
    });
  } catch {
    // Void or self-closing: no end tag.
  }
}
