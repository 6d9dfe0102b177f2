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

/** One image candidate of a srcset value: its URL and the whole candidate's text, as written. */
export interface SrcsetCandidate {
  url: string;
  text: string;
}

const SPACE = /[\t\n\f\r ]/;

/**
 * The image candidates of a srcset value, split as the browser splits them: a URL (a run of
 * non-whitespace, trailing commas dropped), then descriptors up to the next comma outside
 * parentheses. Used to take refused candidates out of a value; which URLs a value may fetch is
 * still asked of srcsetCandidates, which offers more.
 * https://html.spec.whatwg.org/multipage/images.html#parsing-a-srcset-attribute
 */
export function parseSrcset(value: string): SrcsetCandidate[] {
  const out: SrcsetCandidate[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (SPACE.test(value[i] as string) || value[i] === ",")) i++;
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !SPACE.test(value[i] as string)) i++;
    let url = value.slice(start, i);
    if (url.endsWith(",")) {
      url = url.replace(/,+$/, "");
      out.push({ url, text: url });
      continue;
    }
    let depth = 0;
    while (i < value.length && (depth > 0 || value[i] !== ",")) {
      if (value[i] === "(") depth++;
      else if (value[i] === ")") depth = Math.max(0, depth - 1);
      i++;
    }
    out.push({ url, text: value.slice(start, i).replace(/[\t\n\f\r ]+$/, "") });
  }
  return out;
}
