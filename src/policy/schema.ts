/**
 * The shape of every policy file, as data. Operators edit YAML in `policies/`; this schema is the
 * single definition used by `npm run policy:check`, the generated `policies/schema/*.json` for
 * editors, and the worker at isolate start.
 */
import { z } from "zod";
import { linearPatternProblem } from "../match/linear-pattern";
import { consentSourcesSchema, recordsSchema } from "./consent-sources";

/** Purpose ids go into the consent cookie, joined by "-", so they are short lowercase words. */
export const PURPOSE_ID = /^[a-z][a-z0-9]{0,31}$/;
const VENDOR_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** `example.com`, `www.example.com`, or `*.example.com` (the domain itself and every subdomain). */
export const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A host pattern followed by a path prefix, e.g. `www.googletagmanager.com/gtm.js`. */
const URL_PATTERN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\/[\x21-\x3e\x40-\x7e]*(\?[A-Za-z0-9_.-]+=[\x21-\x7e]*)?$/;
/** A cookie name, or a name with `*` standing for any run of characters (`_ga_*`). */
const COOKIE_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
/** A cache path: `/`, `/hinnasto`, or a prefix ending in `*` (`/blog/*`); no query, no other `*`. */
const CACHE_PATH = /^\/[\x21-\x29\x2b-\x3e\x40-\x7e]*\*?$/;
/** A tag or measurement id as vendors print them: a prefix, a dash, letters, digits and dashes (G-XXXXXXXXXX, AW-123456789). */
const MEASUREMENT_ID = /^[A-Z]{1,4}-[A-Z0-9-]{3,40}$/;
/** ISO 8601 durations the declaration can put into words: P2Y, P13M, P7D, PT24H, PT1M. */
const DURATION = /^(session|P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/;

/** A language tag as sites list them (`fi`, `sv`, `en`, `de`, `pt-BR`): Intl words durations in it. */
export const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const language = z.string().regex(LANGUAGE);
/**
 * A visitor text, one per language: `{ fi: …, sv: …, en: … }`. Which languages are needed is the
 * sites' `languages` (checked in ./load.ts), not a list in code.
 */
const text = z.record(language, z.string().min(1));

export const purposeSchema = z
  .object({
    id: z.string().regex(PURPOSE_ID),
    required: z.boolean().default(false),
    name: text,
    description: text,
  })
  .strict();

export const purposesFileSchema = z.object({ purposes: z.array(purposeSchema).min(1) }).strict();

export const cookieSchema = z
  .object({
    name: z.string().regex(COOKIE_PATTERN),
    lifetime: z.string().regex(DURATION),
    /** `host`: host-only cookie; `parent`: set on the registrable domain (as GA does); or a domain. */
    domain: z.union([z.enum(["host", "parent"]), z.string().regex(HOST_PATTERN)]).default("host"),
    path: z.string().startsWith("/").default("/"),
    description: text.optional(),
  })
  .strict();

/**
 * First-party serving of a vendor's tag and beacons (`beacon:` in a vendor file; docs/ANALYTICS.md "The beacon
 * block"). Parameter rules are shaped like normalize-url's removeQueryParameters /
 * keepQueryParameters: `keep` (an allowlist) overrides `remove` (a denylist); `others` decides the
 * rest. Names may end in `*` (`up.*`, `utm_*`).
 */
const BEACON_PARAM = /^[A-Za-z0-9_.-]{1,64}\*?$/;
const BEACON_PARAM_EXACT = /^[A-Za-z0-9_.-]{1,64}$/;
/** A path the gatekeeper answers itself: under /__gk/, lowercase segments, no dot segments. */
const FIRST_PARTY_PATH = /^\/__gk(\/[a-z0-9_-][a-z0-9._-]{0,62})+$/;
/** A host + path (no scheme, no query), as in `urls`: `www.googletagmanager.com/gtag/js`. */
const TAG_URL = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\/[A-Za-z0-9/._~-]*$/;
const JS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;
const beaconParamRules = z
  .object({
    /** Forwarded even when `remove` names them too (the allowlist wins). */
    keep: z.array(z.string().regex(BEACON_PARAM)).default([]),
    /** Dropped unless `keep` names them. */
    remove: z.array(z.string().regex(BEACON_PARAM)).default([]),
    /** Names on neither list: `drop` (fail closed) or `keep`. */
    others: z.enum(["keep", "drop"]).default("drop"),
    /** Parameters set to a fixed value after stripping (e.g. `gcs: G100`, analytics storage denied). */
    set: z.record(z.string().regex(BEACON_PARAM_EXACT), z.string().regex(/^[\x21-\x7e]{1,64}$/)).default({}),
  })
  .strict();
const httpsUpstream = z.url({ protocol: /^https$/ });
const addBeaconIssue = (ctx: z.RefinementCtx, path: PropertyKey[], message: string, input: unknown, fix: string) =>
  ctx.addIssue({ code: "custom", path, message, input, params: { fix } });

export const beaconSchema = z
  .object({
    /** First-party base path; gtag's transport_url / server_container_url is `<site><base>`. */
    base: z.string().regex(FIRST_PARTY_PATH),
    /** The vendor's tag, served first-party: `from` URLs in pages are re-pointed to `to`. */
    tag: z
      .object({
        from: z.array(z.string().regex(TAG_URL)).min(1),
        to: z.string().regex(FIRST_PARTY_PATH),
        /** Where the edge fetches the tag; the query is rebuilt from `query` below. */
        upstream: httpsUpstream,
        /** The only query parameters passed on, each with an anchored regular expression for its value. */
        query: z.record(z.string().regex(/^[A-Za-z0-9_]{1,32}$/), z.string().min(3).max(200)),
        /** The query parameter naming the tag (`id`): only the site's `measurementIds` are served or re-pointed. */
        idParam: z.string().regex(/^[A-Za-z0-9_]{1,32}$/),
        required: z.array(z.string().regex(/^[A-Za-z0-9_]{1,32}$/)).default([]),
        /** Cache API lifetime of the fetched tag, and its browser max-age. */
        cacheSeconds: z.number().int().min(0).max(86_400).default(300),
        /**
         * The `data-gatekeeper` script injected before the tag: a `set` command on the page's data
         * layer (named by the tag URL's `layerParam`, else `layer`) with each `set` key = `<site><base>`.
         */
        config: z
          .object({
            layer: z.string().regex(JS_NAME).default("dataLayer"),
            layerParam: z
              .string()
              .regex(/^[A-Za-z0-9_]{1,32}$/)
              .optional(),
            set: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)).min(1),
          })
          .strict(),
      })
      .strict()
      .optional(),
    /** The beacon endpoint and the one upstream URL its hits are forwarded to. */
    collect: z
      .object({
        path: z.string().regex(FIRST_PARTY_PATH),
        upstream: httpsUpstream,
        /** The hit parameter naming the property (`tid`): hits for ids not in the site's `measurementIds` are dropped. */
        idParam: z.string().regex(BEACON_PARAM_EXACT),
      })
      .strict(),
    /** Larger POST bodies get 413. */
    maxBodyBytes: z.number().int().min(1024).max(1_048_576).default(65_536),
    /** How long to wait for the upstream's response head. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /** The Workers rate-limiting binding (wrangler.toml `[[ratelimits]]`) keyed by client address. */
    rateLimit: z
      .object({ binding: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/) })
      .strict()
      .optional(),
    /** Off: Google sees only the edge's address. On: IPv4 /24 or IPv6 /48 in `param`. */
    ip: z
      .object({ truncate: z.boolean().default(false), param: z.string().regex(BEACON_PARAM_EXACT).default("_uip") })
      .strict()
      .default({ truncate: false, param: "_uip" }),
    /** Without consent for the vendor's purpose: `drop` (204, nothing sent) or `anonymous` rules. */
    withoutConsent: z.enum(["drop", "anonymous"]).default("drop"),
    params: z.object({ consented: beaconParamRules, anonymous: beaconParamRules.optional() }).strict(),
    /** Parameters holding page URLs: fragment and credentials removed, query filtered by `query`. */
    urls: z
      .object({
        params: z.array(z.string().regex(BEACON_PARAM)).min(1),
        query: beaconParamRules.omit({ set: true }),
      })
      .strict()
      .optional(),
    /** Parameters dropped whole when their value looks like personal data. */
    pii: z
      .object({
        params: z.array(z.string().regex(BEACON_PARAM)).min(1),
        detect: z.array(z.enum(["email", "hetu", "phone", "iban"])).min(1),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const under = `${b.base}/`;
    if (b.tag && !b.tag.to.startsWith(under))
      addBeaconIssue(ctx, ["tag", "to"], `a path under base (${under})`, b.tag.to, `start tag.to with ${under}`);
    if (!b.collect.path.startsWith(under))
      addBeaconIssue(
        ctx,
        ["collect", "path"],
        `a path under base (${under})`,
        b.collect.path,
        `start it with ${under}`,
      );
    if (b.tag?.to === b.collect.path)
      addBeaconIssue(ctx, ["tag", "to"], "a path other than collect.path", b.tag.to, "give the tag its own path");
    const upstreams: Array<[PropertyKey[], string]> = [[["collect", "upstream"], b.collect.upstream]];
    if (b.tag) upstreams.push([["tag", "upstream"], b.tag.upstream]);
    for (const [path, raw] of upstreams) {
      const u = new URL(raw);
      if (u.username || u.password || u.search || u.hash || u.port)
        addBeaconIssue(
          ctx,
          path,
          "an https URL without credentials, port, query or fragment",
          raw,
          "write it as https://host/path",
        );
    }
    for (const [name, source] of Object.entries(b.tag?.query ?? {})) {
      // Visitors choose the text these run on: only patterns that match in linear time.
      const problem = linearPatternProblem(source);
      if (problem)
        addBeaconIssue(
          ctx,
          ["tag", "query", name],
          "an anchored regular expression (^…$) of single characters and classes, at most one of them repeated a variable number of times, so it matches in linear time",
          source,
          `${problem}; write e.g. "^G-[A-Z0-9]{4,20}$"`,
        );
    }
    b.tag?.required.forEach((name, i) => {
      if (!(name in (b.tag?.query ?? {})))
        addBeaconIssue(
          ctx,
          ["tag", "required", i],
          "a parameter listed in tag.query",
          name,
          "add it to tag.query or remove it here",
        );
    });
    if (b.tag && !b.tag.required.includes(b.tag.idParam))
      addBeaconIssue(
        ctx,
        ["tag", "idParam"],
        "a parameter listed in tag.query and tag.required",
        b.tag.idParam,
        "add it to tag.query and tag.required",
      );
    const layerParam = b.tag?.config.layerParam;
    if (layerParam && !(layerParam in (b.tag?.query ?? {})))
      addBeaconIssue(
        ctx,
        ["tag", "config", "layerParam"],
        "a parameter listed in tag.query",
        layerParam,
        "add it to tag.query",
      );
    if (b.withoutConsent === "anonymous" && !b.params.anonymous)
      addBeaconIssue(
        ctx,
        ["params", "anonymous"],
        "rules for withoutConsent: anonymous",
        undefined,
        "add params.anonymous, or set withoutConsent: drop",
      );
  });

/** The literal start of a class-token pattern (`elfsight-app-` of `^elfsight-app-[0-9a-f]{8}…$`). */
export function classTokenPrefix(source: string): string {
  const literal = /^\^([A-Za-z0-9_-]*)/.exec(source)?.[1] ?? "";
  // A quantifier after the last literal applies to it alone: that character is not fixed.
  return /^[?*+{]/.test(source.slice(1 + literal.length)) ? literal.slice(0, -1) : literal;
}

export const vendorFileSchema = z
  .object({
    id: z.string().regex(VENDOR_ID),
    name: z.string().min(1),
    purpose: z.string().regex(PURPOSE_ID),
    docs: z.url({ protocol: /^https$/ }),
    privacyPolicy: z.url({ protocol: /^https$/ }).optional(),
    /** Every host the vendor's tags make the browser contact. */
    hosts: z.array(z.string().regex(HOST_PATTERN)).default([]),
    /** Host + path prefix rules that tell this vendor apart from others on a shared host. */
    urls: z.array(z.string().regex(URL_PATTERN)).default([]),
    /**
     * Like `urls`, but left out of the CSP: URL families on more hosts than a header can list
     * (Google Ads on each of Google's country domains). Removed when refused like `urls`; when
     * allowed, only the CSP's other sources apply to them.
     */
    removalOnlyUrls: z.array(z.string().regex(URL_PATTERN)).default([]),
    /** Literal snippets that identify the vendor's inline loaders and configuration. */
    inline: z.array(z.string().min(4).max(200)).default([]),
    /** CSS selectors (as lol-html supports them) of the vendor's containers, removed when refused. */
    selectors: z.array(z.string().min(1).max(200)).default([]),
    /**
     * The vendor's containers told by one class token, where no CSS selector can say it exactly
     * (`elfsight-app-<uuid>`, not `elfsight-app-section`): anchored linear-time patterns, each
     * starting with at least three literal characters that lol-html matches natively first.
     */
    classTokens: z
      .array(
        z
          .string()
          .min(4)
          .max(200)
          .superRefine((source, ctx) => {
            const problem =
              linearPatternProblem(source) ??
              (classTokenPrefix(source).length < 3 ? "it does not start with three literal characters" : null);
            if (problem)
              ctx.addIssue({
                code: "custom",
                message: "an anchored pattern of a class token, starting with at least three literal characters",
                input: source,
                params: { fix: `${problem}; write e.g. "^widget-[0-9a-f]{8}-[0-9a-f-]{27}$"` },
              });
          }),
      )
      .default([]),
    cookies: z.array(cookieSchema).default([]),
    /**
     * The globals the vendor's snippet defines and site code calls (`dataLayer.push`, `gtag()`,
     * `fbq()`). Refused, the vendor's snippet is removed, and the page gets inert stand-ins so the
     * site's own code keeps running: `array` an empty array, `queue` a function that only queues
     * its calls. Nothing is sent. Skipped for a global an allowed vendor declares too.
     */
    standIns: z
      .array(z.object({ global: z.string().regex(JS_NAME), kind: z.enum(["array", "queue"]) }).strict())
      .max(16)
      .default([]),
    /** First-party tag and beacon forwarding (docs/ANALYTICS.md); see beaconSchema. */
    beacon: beaconSchema.optional(),
    /**
     * What the visitor sees where the vendor was removed, with a one-click allow for its purpose:
     * `selector` replaces each element its `selectors` match; `body-end` adds a button at the end
     * of the page when any of its tags was removed (a chat launcher has no element of its own).
     */
    placeholder: z
      .object({ at: z.enum(["selector", "body-end"]), text: text, button: text })
      .strict()
      .optional(),
  })
  .strict();

/** Every text the visitor sees, per language; a missing key is an error, not a blank. */
export const TEXT_KEYS = [
  "bannerTitle",
  "bannerBody",
  "acceptAll",
  "rejectAll",
  "settings",
  "preferencesTitle",
  "preferencesIntro",
  "save",
  "alwaysOn",
  "vendors",
  "cookies",
  "cookie",
  "lifetime",
  "domain",
  "declarationTitle",
  "declarationIntro",
  "privacyPolicy",
  "footerLink",
  "current",
  "allowed",
  "refused",
  "placeholderAllow",
  "receiptTitle",
  "receiptIntro",
  "receiptNone",
  "receiptNotStored",
  "receiptOtherSource",
  "consentId",
  "recordedAt",
  "policyVersion",
  "consentSource",
  "language",
  "textVersion",
  "lifetimeSession",
  "domainHost",
  "domainParent",
] as const;
const uiTexts = z.object(Object.fromEntries(TEXT_KEYS.map((k) => [k, z.string().min(1).max(2000)]))).strict();

/** Google Consent Mode v2 signals; https://developers.google.com/tag-platform/security/guides/consent */
export const CONSENT_MODE_SIGNALS = [
  "ad_storage",
  "ad_user_data",
  "ad_personalization",
  "analytics_storage",
  "functionality_storage",
  "personalization_storage",
  "security_storage",
] as const;

export const siteFileSchema = z
  .object({
    id: z.string().regex(VENDOR_ID),
    /** Bump to ask every visitor again; a cookie given to another version counts as no consent. */
    version: z.number().int().min(1).max(999_999_999),
    /** The languages visitors can read the site's texts in, and the one for everyone else. */
    languages: z.array(language).min(1),
    defaultLanguage: language,
    /** Hosts this site policy applies to; `*` claims every host no other site file names. */
    hosts: z.array(z.union([z.literal("*"), z.string().regex(HOST_PATTERN)])).min(1),
    consent: z
      .object({
        cookie: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .default("gk_consent"),
        lifetimeDays: z.number().int().min(1).max(400),
        /** Without valid consent: `deny` allows only required purposes. Nothing else is offered. */
        default: z.literal("deny"),
        /** Where consent may come from, in priority order: the first present and valid one decides. */
        sources: consentSourcesSchema,
      })
      .strict(),
    gpc: z.object({ honour: z.boolean(), refuses: z.array(z.string().regex(PURPOSE_ID)).default([]) }).strict(),
    /** Proof of consent in D1: how long records are kept. */
    records: recordsSchema,
    origin: z
      .object({ timeoutMs: z.number().int().min(100).max(120_000).default(30_000) })
      .strict()
      .default({ timeoutMs: 30_000 }),
    limits: z
      .object({
        /** One inline script or noscript is held back at most this long; beyond, it is dropped. */
        inlineBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(1024 * 1024),
      })
      .strict()
      .default({ inlineBytes: 1024 * 1024 }),
    ui: z
      .object({
        /** Inject a "cookie settings" link at the end of every page, so withdrawing is one click away. */
        footerLink: z.boolean(),
        /** The site's privacy policy, linked from the declaration and the preferences page. */
        privacyPolicy: z.url({ protocol: /^https?$/ }),
        /** Bump when the banner's wording changes; recorded with each consent. */
        textVersion: z.number().int().min(1),
        texts: z.record(language, uiTexts),
      })
      .strict(),
    /**
     * The consent-bucket cache: rewritten pages the origin lets a shared cache keep, stored per
     * consent bucket in the Cache API. Off unless listed here; even then the origin's
     * Cache-Control, the request and the response decide per page (docs/DEPLOY.md).
     */
    cache: z
      .object({
        /** Paths whose pages may be cached: an exact path (`/`), or a prefix ending in `*` (`/blog/*`). */
        paths: z.array(z.string().regex(CACHE_PATH)).min(1),
        /** The origin's s-maxage (else max-age), capped at this. */
        maxTtlSeconds: z.number().int().min(1).max(31_536_000).default(3600),
        /**
         * Cookies that make a page personal: a request carrying one is neither answered from the
         * cache nor stored. Unset: every cookie the required purposes' vendors declare, but the
         * consent cookies (their value is the decision, which is in the key).
         */
        sessionCookies: z.array(z.string().regex(COOKIE_PATTERN)).optional(),
      })
      .strict()
      .optional(),
    /**
     * The site's own tag and measurement ids (Google tag `GT-…`, Google Analytics `G-…`, and where
     * the site uses them Google Ads `AW-…` / Floodlight `DC-…`). Only these are served by a
     * first-party tag endpoint (and so re-pointed there) and relayed by a beacon endpoint; a hit
     * or tag request for any other id is dropped, so the site's edge is no relay into others'
     * properties. None listed: nothing is relayed and tags stay where they are.
     */
    measurementIds: z.array(z.string().regex(MEASUREMENT_ID)).default([]),
    /**
     * More attributes holding URLs a script on the site loads later (a lazy loader's
     * `data-original`), judged like `src` on every element; names ending in `srcset` are read as
     * srcset values. The common ones (`data-src`, `data-rocket-src`, `data-lazy-src`,
     * `data-srcset`, `data-bg`) are built in.
     */
    urlAttributes: z
      .array(z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/))
      .max(32)
      .default([]),
    /**
     * `shadow` changes nothing (page, headers, cookies) and logs what `enforce` would have
     * removed: how a new policy is trialled on production traffic.
     */
    mode: z.enum(["enforce", "shadow"]).default("enforce"),
    /**
     * A Content-Security-Policy per decision, sent beside the origin's own: `'self'` plus the
     * hosts of allowed vendors. `report-only` is the safe first step of a rollout.
     */
    csp: z
      .object({ mode: z.enum(["enforce", "report-only", "off"]) })
      .strict()
      .default({ mode: "report-only" }),
    /**
     * Where a listed vendor may load, a `gtag('consent','default',…)` goes first: each signal is
     * granted when every purpose listed for it is allowed.
     */
    googleConsentMode: z
      .object({
        vendors: z.array(z.string().regex(VENDOR_ID)).min(1),
        signals: z
          .object(Object.fromEntries(CONSENT_MODE_SIGNALS.map((k) => [k, z.array(z.string().regex(PURPOSE_ID))])))
          .strict(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PurposeFile = z.infer<typeof purposesFileSchema>;
export type Purpose = z.infer<typeof purposeSchema>;
export type VendorFile = z.infer<typeof vendorFileSchema>;
export type CookieRule = z.infer<typeof cookieSchema>;
export type SiteFile = z.infer<typeof siteFileSchema>;
