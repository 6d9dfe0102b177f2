/**
 * The CSP the gatekeeper adds to an HTML page: `'self'` plus exactly the hosts (and the paths on
 * shared hosts) of vendors whose purpose the decision allows (src/csp/sources.ts), in every fetch
 * directive. It is sent as an additional header, so the browser enforces it together with the
 * origin's own policy: it only ever takes away (https://w3c.github.io/webappsec-csp/#multiple-policies). It
 * is a host gate, not an XSS policy: it allows inline code and eval (the origin's own CSP governs
 * those), carries the origin's nonces and hashes only into the directives where the origin's
 * policy has them for that kind (src/csp/origin.ts), so `'unsafe-inline'` stays in force wherever
 * the origin relies on it, and never adds `'strict-dynamic'`, which would make browsers ignore its
 * host list.
 *
 * `default-src` holds the same list, so what has no directive of its own (`<object>`/`<embed>`,
 * prefetch, the manifest, frames) is gated too; a directive that would say exactly what
 * `default-src` says is left out, since it falls back to it.
 */
import { NO_ORIGIN_INLINE, type OriginInline } from "./origin";
import { isNonceOrHash } from "./parse";
import { type SourcePattern, serializeSource } from "./sources";

export const CSP_REPORT_PATH = "/__gk/csp-report";
export const REPORTING_GROUP = "gk-csp";

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * `reportTo`: name the Reporting API group too. Only for https pages: Chromium takes
 * `Reporting-Endpoints` from secure responses only, and once `report-to` is present it ignores
 * `report-uri`, so on http (local development) it would report nothing at all.
 */
export function buildCsp(
  sources: readonly SourcePattern[],
  origin: OriginInline = NO_ORIGIN_INLINE,
  reportTo = true,
): string {
  const https = sources.flatMap((s) => serializeSource(s, ["https:"]));
  const sockets = sources.flatMap((s) => serializeSource(s, ["wss:"]));
  const fallback = ["'self'", ...https];
  const directives: Array<[string, string[]]> = [["default-src", fallback]];
  // Scripts and styles: the general directive (all a browser without -elem/-attr reads), the
  // element directive where the origin's differs, and 'unsafe-inline' alone for attributes where
  // the general one carries nonces or hashes (which would switch it off there).
  const inline = (kind: "script" | "style", extra: string[]) => {
    const general = origin[kind];
    const element = origin[kind === "script" ? "scriptElem" : "styleElem"];
    directives.push([`${kind}-src`, ["'self'", "'unsafe-inline'", ...extra, ...general, ...https]]);
    if (!sameSet(element, general.filter(isNonceOrHash)))
      directives.push([`${kind}-src-elem`, ["'self'", "'unsafe-inline'", ...element, ...https]]);
    if (general.some(isNonceOrHash)) directives.push([`${kind}-src-attr`, ["'unsafe-inline'"]]);
  };
  inline("script", ["'unsafe-eval'"]);
  inline("style", []);
  directives.push(
    ["connect-src", ["'self'", ...https, ...sockets]],
    ["img-src", ["'self'", "data:", "blob:", ...https]],
    ["font-src", ["'self'", "data:", ...https]],
    ["media-src", ["'self'", "data:", "blob:", ...https]],
    ["worker-src", ["'self'", "blob:", ...https]],
    ["report-uri", [CSP_REPORT_PATH]],
  );
  if (reportTo) directives.push(["report-to", [REPORTING_GROUP]]);
  return directives.map(([name, list]) => `${name} ${list.join(" ")}`).join("; ");
}
