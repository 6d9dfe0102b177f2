/**
 * What editors show for each field of the policy files: descriptions added to the JSON Schemas
 * that `npm run policy:schema` generates, keyed by field path (`[]` for a list's items). The
 * reference itself is docs/POLICY.md; these are its one-line summaries.
 */
const TEXT = "One text per language the site files list (languages), e.g. fi, sv, en.";

export const SCHEMA_DOCS: Record<"purposes" | "site" | "vendor", Record<string, string>> = {
  purposes: {
    purposes: "The closed list of purposes a visitor can allow; exactly one is required (strictly necessary).",
    "purposes[].id": "Short lowercase id, stored in the consent cookie (necessary, analytics, …).",
    "purposes[].required": "true for the strictly necessary purpose: always on, never asked.",
    "purposes[].name": `The purpose's name on the banner and the preferences page. ${TEXT}`,
    "purposes[].description": `What the purpose is for, shown under its name. ${TEXT}`,
  },
  vendor: {
    id: "The vendor's id: lowercase letters, digits and dashes, equal to the file name.",
    name: "The vendor's name as visitors see it in the cookie declaration.",
    purpose: "The purpose (policies/purposes.yaml) a visitor must allow before this vendor loads.",
    docs: "https link to the vendor's install documentation, the source of these rules.",
    privacyPolicy: "https link to the vendor's privacy policy, linked from the declaration.",
    hosts: "Every host the vendor's tags make the browser contact; *.example.com is the domain and its subdomains.",
    urls: "Host + path prefix rules (no scheme) that tell this vendor apart on a host it shares with others.",
    removalOnlyUrls:
      "Like urls for classifying and removing, but left out of the CSP: URL families on more hosts than a header can list.",
    inline:
      "Loader signatures, judged at code level: an executable inline script with one in its code (not in a comment or a data string) is emptied.",
    selectors:
      "CSS selectors (as lol-html supports them) of the vendor's containers, removed when the purpose is refused.",
    classTokens:
      "Anchored patterns for one class token of the vendor's containers (^elfsight-app-<uuid>$), where no CSS selector says it exactly.",
    standIns: "Globals the vendor's snippet defines and site code calls; refused, the page gets inert stand-ins.",
    "standIns[].global": "The global's name (dataLayer, gtag, fbq, Intercom).",
    "standIns[].kind": '"array" (an empty array) or "queue" (a function that only queues its calls).',
    cookies: "The cookies the vendor sets: expired when the purpose is refused, listed in the declaration.",
    "cookies[].name": "Cookie name; * stands for any run of characters (_ga_*).",
    "cookies[].lifetime": 'ISO 8601 duration (P2Y, P13M, P7D, PT24H) or "session".',
    "cookies[].domain": '"host" (host-only), "parent" (the registrable domain, as GA sets it) or a domain.',
    "cookies[].path": "The cookie's path, for expiring it.",
    "cookies[].description": `What the cookie does, for the declaration. ${TEXT}`,
    beacon: "First-party serving of the vendor's tag and beacons (docs/ANALYTICS.md).",
    placeholder: "What the visitor sees where the vendor was removed, with a one-click allow.",
    "placeholder.at":
      '"selector": replaces each element its selectors match; "body-end": a button at the end of the page.',
    "placeholder.text": `The placeholder's text. ${TEXT}`,
    "placeholder.button": `The allow button's label. ${TEXT}`,
  },
  site: {
    id: "The site's id: lowercase letters, digits and dashes.",
    version: "Bump to ask every visitor again: a consent given to another version counts as none.",
    languages: "The languages visitors can read the site's texts in (fi, sv, en, de, …); each needs ui.texts.",
    defaultLanguage: "The language for a visitor whose Accept-Language names none of languages.",
    hosts: 'Hosts this site policy applies to; "*" claims every host no other site file names.',
    consent: "The consent cookie and where consent may come from.",
    "consent.cookie": "Name of the gatekeeper's consent cookie.",
    "consent.lifetimeDays": "How long a consent lasts, in days (at most 400).",
    "consent.default": 'Without valid consent: "deny", only required purposes run.',
    "consent.sources": "Where consent may come from, in priority order; the gatekeeper's own cookie first.",
    gpc: "Global Privacy Control (Sec-GPC: 1).",
    "gpc.honour": "true: a GPC signal refuses the purposes listed in refuses.",
    "gpc.refuses": "Optional purposes a GPC signal refuses.",
    records: "Proof of consent in D1.",
    origin: "How the gatekeeper talks to the origin.",
    limits: "Bounds on what the rewriter holds back.",
    ui: "The banner, the preferences page and the declaration.",
    "ui.footerLink": 'true: a "cookie settings" link is injected at the end of every page.',
    "ui.privacyPolicy": "The site's privacy policy, linked from the declaration and the preferences page.",
    "ui.textVersion": "Bump when the banner's wording changes; recorded with each consent.",
    "ui.texts": "Every text the visitor sees, one block per language in languages.",
    urlAttributes:
      "More attributes a script on the site turns into a load later (data-original), judged like src; names ending in srcset are srcset lists.",
    cache: "The consent-bucket cache: which pages may be kept per consent bucket, and for how long (docs/DEPLOY.md).",
    "cache.paths": "Exact paths (/) or prefixes ending in * (/blog/*) whose pages may be cached; no query.",
    "cache.maxTtlSeconds": "The longest a page is kept; the origin's s-maxage (else max-age) decides below it.",
    "cache.sessionCookies":
      "Cookies that make a request personal: never answered from the cache nor stored. Unset: the required purposes' vendors' cookies.",
    measurementIds: "The site's own Google tag and measurement ids; only these are served first-party and relayed.",
    mode: '"enforce" removes; "shadow" changes nothing and logs what enforce would remove. GK_MODE overrides it.',
    csp: "The Content-Security-Policy per decision.",
    "csp.mode": '"report-only" (the safe first step), "enforce" or "off". GK_CSP_MODE overrides it.',
    googleConsentMode: "Google Consent Mode v2 signals, sent before the listed vendors' tags.",
    "googleConsentMode.vendors": "Vendor ids before whose tags the consent default goes.",
    "googleConsentMode.signals": "Per signal, the purposes that must all be allowed for it to be granted.",
  },
};

type JsonSchema = {
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  [key: string]: unknown;
};

/** The JSON Schema node at a field path (`cookies[].name`), or undefined. */
export function nodeAt(schema: JsonSchema, path: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const part of path.split(".")) {
    const list = part.endsWith("[]");
    node = node?.properties?.[list ? part.slice(0, -2) : part];
    if (list) node = node?.items;
  }
  return node;
}

/** Adds the descriptions to a generated schema; throws on a path the schema does not have. */
export function describeSchema(schema: JsonSchema, docs: Record<string, string>): JsonSchema {
  for (const [path, text] of Object.entries(docs)) {
    const node = nodeAt(schema, path);
    if (!node) throw new Error(`schema-docs: no field ${path}`);
    node.description = text;
  }
  return schema;
}
