/**
 * `consent.sources` and `records` in a site file: where a visitor's consent may come from, in
 * priority order, and how long proof of consent is kept. Part of siteFileSchema (./schema.ts);
 * the cross-checks (purposes exist, the gatekeeper comes first) are in ./load.ts.
 *
 * Each source maps the consent manager's own categories to our purpose ids: a purpose is allowed
 * by a source only when EVERY category listed for it is granted (fail closed). A purpose a
 * source's map does not name is never allowed by that source.
 */
import { z } from "zod";

/** The consent sources the gatekeeper can read, one adapter each in src/consent/sources/. */
export const SOURCE_TYPES = ["gatekeeper", "cookiebot", "onetrust", "tcf", "cookieconsent"] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** An RFC 6265 cookie name. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const cookieName = (fallback: string) => z.string().regex(COOKIE_NAME).default(fallback);
/** Keys are our purpose ids (checked against purposes.yaml in load.ts), values the source's categories. */
const categoryMap = <T extends z.ZodType<string>>(category: T) =>
  z.record(z.string(), z.array(category).min(1).max(32));

/** Cookiebot's categories, as in its `CookieConsent` cookie and `Cookiebot.consent`. */
export const COOKIEBOT_CATEGORIES = ["preferences", "statistics", "marketing"] as const;

export const consentSourceSchema = z.discriminatedUnion("type", [
  /** The gatekeeper's own cookie (`consent.cookie`), set by its banner and preferences page. */
  z.object({ type: z.literal("gatekeeper") }).strict(),
  /**
   * Cookiebot's `CookieConsent`: `{stamp:'…',necessary:true,preferences:false,statistics:true,
   * marketing:false,method:'explicit',ver:1,utc:…,region:'…'}`, URL-encoded; `0` is "necessary only".
   * https://www.cookiebot.com/en/developer/ (server-side usage)
   */
  z
    .object({
      type: z.literal("cookiebot"),
      cookie: cookieName("CookieConsent"),
      /**
       * `-1`: Cookiebot decided that the visitor's region needs no consent. `skip` (fail closed): it
       * is not consent, the next source decides or the banner asks; `allow`: every purpose in `map`.
       */
      notRequired: z.enum(["skip", "allow"]).default("skip"),
      /** `method:'implied'` (consent assumed by Cookiebot, not given): `skip` (fail closed) or `accept`. */
      implied: z.enum(["skip", "accept"]).default("skip"),
      map: categoryMap(z.enum(COOKIEBOT_CATEGORIES)),
    })
    .strict(),
  /**
   * OneTrust's `OptanonConsent`: a URL-encoded query string whose `groups` is `C0001:1,C0002:0,…`.
   * https://my.onetrust.com/articles/en_US/Knowledge/UUID-2dc719a8-4be5-8d16-1dc8-c7b4147b88e0
   */
  z
    .object({
      type: z.literal("onetrust"),
      cookie: cookieName("OptanonConsent"),
      /**
       * `true` (fail closed): the groups count only after the visitor closed OneTrust's banner or
       * saved its preference centre: `OptanonAlertBoxClosed` is a date, and `interactionCount`, when
       * present, is at least 1. `false`: OneTrust's region defaults count too, though no one chose them.
       */
      requireInteraction: z.boolean().default(true),
      alertBoxCookie: cookieName("OptanonAlertBoxClosed"),
      map: categoryMap(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
    })
    .strict(),
  /**
   * IAB TCF v2.2 `euconsent-v2`, decoded with @iabtcf/core. A purpose is allowed when every TCF
   * purpose listed has consent (legitimate interest never counts) and every vendor listed has
   * consent, with no publisher restriction forbidding it.
   */
  z
    .object({
      type: z.literal("tcf"),
      cookie: cookieName("euconsent-v2"),
      /** TCF v2.2 strings carry policy version 4 or later; older ones are outdated. */
      minPolicyVersion: z.number().int().min(4).max(63).default(4),
      map: z.record(
        z.string(),
        z
          .object({
            purposes: z.array(z.number().int().min(1).max(24)).min(1),
            vendors: z.array(z.number().int().min(1).max(65_535)).default([]),
          })
          .strict(),
      ),
    })
    .strict(),
  /**
   * orestbida/cookieconsent v3 `cc_cookie`: URL-encoded JSON with `categories`, `revision`,
   * `consentTimestamp`, `lastConsentTimestamp`, `expirationTime`.
   * https://github.com/orestbida/cookieconsent (src/utils/cookies.js, docs/reference/api-reference.md)
   */
  z
    .object({
      type: z.literal("cookieconsent"),
      cookie: cookieName("cc_cookie"),
      /** The site's cookieconsent `revision`: a cookie of another revision is outdated. Unset: any. */
      revision: z.number().int().min(0).optional(),
      map: categoryMap(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)),
    })
    .strict(),
]);

export type ConsentSource = z.infer<typeof consentSourceSchema>;
export type SourceOf<T extends SourceType> = Extract<ConsentSource, { type: T }>;

/** Without `consent.sources`, only the gatekeeper's own cookie counts, as before sources existed. */
export const DEFAULT_SOURCES: ConsentSource[] = [{ type: "gatekeeper" }];

export const consentSourcesSchema = z.array(consentSourceSchema).min(1).max(8).default(DEFAULT_SOURCES);

/** Proof of consent (docs/CONSENT.md "Consent sources" and "Records"). */
export const recordsSchema = z
  .object({
    /** Records older than this are deleted; at least consent.lifetimeDays (checked in load.ts). */
    retentionDays: z.number().int().min(1).max(3650),
  })
  .strict()
  .default({ retentionDays: 1095 });
