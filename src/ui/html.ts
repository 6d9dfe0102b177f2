/**
 * Markup for the visitor's pages and injected elements, written with hono/html's `html` template
 * (https://hono.dev/docs/helpers/html): every interpolated string is escaped (`&`, `<`, `>`, `"`,
 * `'`), markup made by another `html` template goes in as it is, and `raw` marks what is markup or
 * a safe value already (the CSS, a script, a percent-encoded URL).
 */
import { raw, html as template } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export { raw };
export type Html = HtmlEscapedString;

/** hono/html's `html`, synchronous: nothing interpolated here is a promise. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return template(strings, ...values) as Html;
}

/** ` nonce="…"` when the page has a CSP nonce, so injected script and style run under it. */
export function nonceAttribute(nonce: string | undefined): Html | undefined {
  return nonce ? html` nonce="${nonce}"` : undefined;
}
