/**
 * What a `<script>` element's `type` (and legacy `language`) attribute makes of its text, as the
 * HTML standard's "prepare the script element" decides it:
 * https://html.spec.whatwg.org/multipage/scripting.html#prepare-the-script-element
 *
 * - `code`: the browser runs the text: no type, an empty type, a JavaScript MIME type essence, or
 *   `module`; and the deferred-execution types that real sites hand to a script that runs the
 *   text later (Partytown, WP Rocket, LiteSpeed, Cloudflare Rocket Loader, and consent managers'
 *   `text/plain`, which the manager turns back into a script once its category is allowed).
 * - `importmap`, `speculationrules`: JSON whose URLs the browser loads from.
 * - `data`: a data block (`application/json`, `application/ld+json`, templates, anything else):
 *   the browser never runs or fetches it.
 */
export type ScriptKind = "code" | "importmap" | "speculationrules" | "data";

/** https://mimesniff.spec.whatwg.org/#javascript-mime-type */
const JAVASCRIPT_TYPES = new Set([
  "application/ecmascript",
  "application/javascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
]);

/**
 * Types under which a site's own script runs the text later, as code:
 * Partytown (https://partytown.qwik.dev/configuration/ : `type="text/partytown"`),
 * WP Rocket's delayed JavaScript (`type="rocketlazyloadscript"`), LiteSpeed Cache's
 * (`type="litespeed/javascript"`), and consent managers' blocked scripts (`type="text/plain"`:
 * Cookiebot, OneTrust, Complianz, Klaro, iubenda).
 */
const DEFERRED_TYPES = new Set(["text/partytown", "rocketlazyloadscript", "litespeed/javascript", "text/plain"]);

/** ASCII whitespace of the HTML standard: tab, LF, FF, CR, space. */
function stripAsciiWhitespace(value: string): string {
  return value.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
}

/** The kind of a script's text, from its raw (decoded) `type` and `language` attribute values. */
export function scriptKind(type: string | null, language: string | null = null): ScriptKind {
  let value: string;
  if (type === null) {
    if (language === null || language === "") return "code";
    value = `text/${language}`;
  } else if (type === "") return "code";
  else value = stripAsciiWhitespace(type);
  const lower = value.toLowerCase();
  if (JAVASCRIPT_TYPES.has(lower) || lower === "module") return "code";
  if (lower === "importmap" || lower === "speculationrules") return lower;
  if (DEFERRED_TYPES.has(lower)) return "code";
  // Cloudflare Rocket Loader renames `text/javascript` to `<hash>-text/javascript` and runs it later.
  if (lower.endsWith("-text/javascript")) return "code";
  return "data";
}
