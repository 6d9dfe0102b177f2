/**
 * The page's CSP nonce, if the origin uses one, so the gatekeeper's injected script and style run
 * under the page's own policy instead of weakening it.
 * https://www.w3.org/TR/CSP3/#grammardef-nonce-source
 */
export function pageNonce(headers: Headers): string | undefined {
  for (const name of ["content-security-policy", "content-security-policy-report-only"]) {
    const m = /'nonce-([A-Za-z0-9+/_-]+={0,2})'/.exec(headers.get(name) ?? "");
    if (m) return m[1];
  }
  return undefined;
}
