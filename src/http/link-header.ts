/**
 * `Link` response headers (RFC 8288) can make the browser preconnect to or preload from a
 * vendor before any HTML is parsed. Drop the link-values whose target is refused, keep the
 * rest byte for byte. https://www.rfc-editor.org/rfc/rfc8288#section-3
 */

/** Splits a Link header into link-values at commas outside `<...>` and quoted strings. */
export function splitLinkValues(header: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inUri = false;
  let inQuote = false;
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (inQuote) {
      if (c === "\\") i++;
      else if (c === '"') inQuote = false;
    } else if (inUri) {
      if (c === ">") inUri = false;
    } else if (c === "<") inUri = true;
    else if (c === '"') inQuote = true;
    else if (c === ",") {
      out.push(header.slice(start, i));
      start = i + 1;
    }
  }
  out.push(header.slice(start));
  return out.filter((v) => v.trim() !== "");
}

/**
 * Keeps the link-values `isRefused` accepts. A value whose target cannot be read is dropped:
 * what cannot be checked does not pass. Returns null when nothing is left.
 */
export function filterLinkHeader(header: string, isRefused: (target: string) => boolean): string | null {
  const kept = splitLinkValues(header).filter((value) => {
    const m = /^\s*<([^>]*)>/.exec(value);
    return m !== null && !isRefused(m[1] ?? "");
  });
  return kept.length ? kept.map((v) => v.trim()).join(", ") : null;
}
