/**
 * The media type of a Content-Type header, without its parameters, in lower case:
 * `Text/HTML; charset=utf-8` is `text/html`; no header is "". https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1
 */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}
