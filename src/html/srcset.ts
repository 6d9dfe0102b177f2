/**
 * Candidate URLs in a `srcset` / `imagesrcset` value. Deliberately generous: every
 * whitespace-separated token and every comma-separated piece of it is offered, so a URL can
 * not hide in a way the browser's own srcset parser would still fetch. Descriptors such as
 * `2x` resolve to first-party URLs and match nothing.
 * https://html.spec.whatwg.org/multipage/images.html#parsing-a-srcset-attribute
 */
export function srcsetCandidates(value: string): string[] {
  const out: string[] = [];
  for (const token of value.split(/[\s]+/)) {
    if (!token) continue;
    out.push(token);
    if (token.includes(",")) for (const piece of token.split(",")) if (piece) out.push(piece);
  }
  return out;
}
