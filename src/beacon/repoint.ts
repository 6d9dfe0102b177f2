/**
 * Which vendor tags in a page are re-pointed to their first-party path, and the data-gatekeeper
 * config that goes in before them. Pure; the proxy (src/http/proxy.ts) works it out per page and
 * hands it to the rewriter in the plan (src/html/plan.ts, Repoint), which applies it.
 *
 * With the vendor's purpose allowed, `<script src="https://www.googletagmanager.com/gtag/js?id=G-X">`
 * becomes `<script src="/__gk/ga/gtag/js?id=G-X">`, preceded once per document by
 * `<script data-gatekeeper="first-party">` that sets gtag's transport_url and server_container_url
 * to `<site>/__gk/ga` on the page's data layer, so the tag's hits go to the first-party endpoint.
 * A URL is re-pointed only when the URL rules classify it as that vendor's, so a Google Ads
 * `gtag/js?id=AW-…` on the same path is not.
 */
import type { Decision } from "../consent/decide";
import { normalizeHost } from "../match/host";
import { matchUrl, normalizePath } from "../match/url";
import type { CompiledBeacon } from "../policy/beacons";
import type { CompiledPolicy } from "../policy/compile";

function tagBeacons(policy: CompiledPolicy, decision: Decision): CompiledBeacon[] {
  if (policy.failsafe) return [];
  return policy.beacons.filter((b) => b.tag && !decision.refused[b.vendor]);
}

const JS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/** JSON that is also safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A CSP nonce as CSP3 writes it (base64 or base64url); anything else is not copied. */
const NONCE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The config script for one beacon on one page. */
export function configScript(beacon: CompiledBeacon, pageUrl: URL, tagUrl: URL, nonce: string | null = null): string {
  const config = beacon.tag?.config;
  if (!config) return "";
  const named = config.layerParam ? tagUrl.searchParams.get(config.layerParam) : null;
  const layer = named && JS_NAME.test(named) ? named : config.layer;
  const base = pageUrl.origin + beacon.base;
  const settings = Object.fromEntries(config.set.map((key) => [key, base]));
  const nonceAttribute = nonce && NONCE.test(nonce) ? ` nonce="${nonce}"` : "";
  return `<script data-gatekeeper="first-party"${nonceAttribute}>(function(w,n){w[n]=w[n]||[];(function(){w[n].push(arguments)})("set",${scriptJson(settings)})})(window,${scriptJson(layer)});</script>`;
}

/** The page's re-pointing (src/html/plan.ts Repoint), or null when no allowed vendor's tag is served first-party. */
export function repointFor(policy: CompiledPolicy, decision: Decision, pageUrl: URL) {
  const beacons = tagBeacons(policy, decision);
  if (!beacons.length) return null;
  const configured = new Set<number>();
  return {
    /** The first-party path for a tag URL, and once per vendor the config script; null to leave it. */
    target(url: URL, script: { nonce: string | null } | null): { path: string; config: string | null } | null {
      const host = normalizeHost(url.hostname);
      const path = normalizePath(url.pathname);
      const beacon = beacons.find(
        (b) =>
          b.tag?.from.some((f) => f.host === host && f.path === path) && matchUrl(policy.urls, url).includes(b.vendor),
      );
      if (!beacon?.tag) return null;
      let config: string | null = null;
      if (script && !configured.has(beacon.vendor)) {
        configured.add(beacon.vendor);
        config = configScript(beacon, pageUrl, url, script.nonce);
      }
      return { path: beacon.tag.to + url.search, config };
    },
  };
}
