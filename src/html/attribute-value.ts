/**
 * HTMLRewriter (lol-html) hands attribute values over raw, with character references still
 * encoded: `https://www.google&#x74;agmanager.com` reaches a handler as written, while the
 * browser fetches the decoded URL. Decode before matching so an encoded host cannot hide.
 * https://html.spec.whatwg.org/multipage/parsing.html#character-reference-state
 */
const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  sol: "/",
  bsol: "\\",
  colon: ":",
  period: ".",
  comma: ",",
  quest: "?",
  equals: "=",
  num: "#",
  percnt: "%",
  commat: "@",
  lowbar: "_",
  hyphen: "-",
  dash: "-",
  tab: "\t",
  newline: "\n",
  nbsp: "\u00a0",
};

export function decodeAttributeValue(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,10});?/g, (match, ref: string) => {
    if (ref[0] === "#") {
      const code =
        ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      // The parser turns NUL, surrogates and out-of-range references into U+FFFD.
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return "\ufffd";
      return String.fromCodePoint(code);
    }
    return NAMED[ref.toLowerCase()] ?? match;
  });
}
