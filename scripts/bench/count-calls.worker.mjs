// Loaded into workerd ahead of a worker (calls.mjs writes the entry module that imports this
// first): counts every call lol-html makes into JavaScript, by selector and handler kind, and
// answers GET /__bench/calls with the counts since the last such request. HTMLRewriter's
// prototype is patched before the worker's own module runs, so every rewriter it builds counts:
// the handlers given to on() and onDocument(), and end-tag handlers set with el.onEndTag().
// Each wrapped handler is called with the same `this` and argument and returns what it returned
// (an async handler's promise too), so the worker behaves as it does unwrapped.
const KINDS = ["element", "comments", "text", "doctype", "end"];
let counts = new Map();
/** Every on() and onDocument() since the last take: the selector and its handler kinds. */
let registered = [];

function count(key) {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function countEndTags(element, selector) {
  const onEndTag = element.onEndTag;
  if (typeof onEndTag !== "function") return;
  element.onEndTag = (handler) =>
    onEndTag.call(element, function (end) {
      count(`${selector} | endTag`);
      return handler.call(this, end);
    });
}

function wrap(handlers, selector) {
  const wrapped = {};
  for (const kind of KINDS) {
    const handler = handlers?.[kind];
    if (typeof handler !== "function") continue;
    wrapped[kind] = (node) => {
      count(`${selector} | ${kind}`);
      if (kind === "element") countEndTags(node, selector);
      return handler.call(handlers, node);
    };
  }
  return wrapped;
}

const prototype = globalThis.HTMLRewriter.prototype;
const on = prototype.on;
const onDocument = prototype.onDocument;
const kindsOf = (handlers) => KINDS.filter((kind) => typeof handlers?.[kind] === "function");
prototype.on = function (selector, handlers) {
  registered.push({ selector, kinds: kindsOf(handlers) });
  return on.call(this, selector, wrap(handlers, selector));
};
prototype.onDocument = function (handlers) {
  registered.push({ selector: null, kinds: kindsOf(handlers) });
  return onDocument.call(this, wrap(handlers, "(document)"));
};

/** The counts and registrations so far, and a fresh start. */
export function takeCalls() {
  const bySelector = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const taken = { total, bySelector, registered };
  counts = new Map();
  registered = [];
  return taken;
}
