/**
 * GET /__gk/consent.js as served for a site: the one build (./script.generated.ts) wrapped in a
 * function that hands it the site's config (./runtime.ts ClientConfig), and the version that
 * names it in the page's URL. Worked out once per site file per isolate.
 *
 * The version is a hash of the served text, so any change to the script or to what it is told
 * (purposes, consent cookies) gives a new URL, and a URL with the current
 * version can be cached for a year as immutable. FNV-1a (32 bits) is enough for that: it only has
 * to tell one deployed version from the next, never to resist anyone.
 */
import { consentCookieNames } from "../../consent/sources/cookie-names";
import type { CompiledPolicy } from "../../policy/compile";
import type { SiteFile } from "../../policy/schema";
import type { ClientConfig } from "./runtime";
import { CLIENT_SCRIPT } from "./script.generated";

export const SCRIPT_PATH = "/__gk/consent.js";

export interface ServedScript {
  body: string;
  version: string;
  /** The URL the page includes: `/__gk/consent.js?v=<version>`. */
  url: string;
}

export function clientConfig(policy: CompiledPolicy, site: SiteFile | undefined): ClientConfig {
  return {
    purposes: policy.purposes.map((p) => p.id),
    cookies: site ? consentCookieNames(site) : [],
  };
}

const served = new WeakMap<CompiledPolicy, Map<SiteFile | undefined, ServedScript>>();

export function servedScript(policy: CompiledPolicy, site: SiteFile | undefined): ServedScript {
  let perSite = served.get(policy);
  if (!perSite) {
    perSite = new Map();
    served.set(policy, perSite);
  }
  let script = perSite.get(site);
  if (!script) {
    const body = `(function(gkConfig){${CLIENT_SCRIPT}})(${JSON.stringify(clientConfig(policy, site))});\n`;
    const version = fnv1a(body);
    script = { body, version, url: `${SCRIPT_PATH}?v=${version}` };
    perSite.set(site, script);
  }
  return script;
}

/** FNV-1a, 32 bits, over UTF-16 code units, as 8 hex digits. http://www.isthe.com/chongo/tech/comp/fnv/ */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}
