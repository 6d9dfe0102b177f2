/**
 * Hop-by-hop headers describe one connection, not the message, and a proxy must not forward
 * them (RFC 9110 §7.6.1, https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1), nor any header
 * the Connection header names.
 */
export const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** RFC 9110 §5.6.2 token, the syntax of a field name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** A copy of `headers` without hop-by-hop headers and those named in `Connection`. */
export function withoutHopByHop(headers: Headers): Headers {
  const out = new Headers(headers);
  for (const name of (headers.get("connection") ?? "").split(",")) {
    const n = name.trim().toLowerCase();
    // Not a token, so not a header name: Headers.delete would throw on it.
    if (TOKEN.test(n)) out.delete(n);
  }
  for (const name of HOP_BY_HOP) out.delete(name);
  return out;
}
