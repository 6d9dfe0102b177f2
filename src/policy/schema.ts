/**
 * The shape of every policy file, as data. Operators edit YAML in `policies/`; this schema is the
 * single definition used by `npm run policy:check`, the generated `policies/schema/*.json` for
 * editors, and the worker at isolate start.
 */
import { z } from "zod";

/** Purpose ids go into the consent cookie, joined by "-", so they are short lowercase words. */
export const PURPOSE_ID = /^[a-z][a-z0-9]{0,31}$/;
const VENDOR_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** `example.com`, `www.example.com`, or `*.example.com` (the domain itself and every subdomain). */
const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** A host pattern followed by a path prefix, e.g. `www.googletagmanager.com/gtm.js`. */
const URL_PATTERN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\/[\x21-\x3e\x40-\x7e]*(\?[A-Za-z0-9_.-]+=[\x21-\x7e]*)?$/;
/** A cookie name, or a name with `*` standing for any run of characters (`_ga_*`). */
const COOKIE_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
/** ISO 8601 durations the declaration can put into words: P2Y, P13M, P7D, PT24H, PT1M. */
const DURATION = /^(session|P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/;

const text = z.object({ fi: z.string().min(1), sv: z.string().min(1), en: z.string().min(1) }).strict();

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
    description: text.partial().optional(),
  })
  .strict();

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
    /** Literal snippets that identify the vendor's inline loaders and configuration. */
    inline: z.array(z.string().min(4).max(200)).default([]),
    /** CSS selectors (as lol-html supports them) of the vendor's containers, removed when refused. */
    selectors: z.array(z.string().min(1).max(200)).default([]),
    cookies: z.array(cookieSchema).default([]),
  })
  .strict();

export const siteFileSchema = z
  .object({
    id: z.string().regex(VENDOR_ID),
    /** Bump to ask every visitor again; a cookie given to another version counts as no consent. */
    version: z.number().int().min(1).max(999_999_999),
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
      })
      .strict(),
    gpc: z.object({ honour: z.boolean(), refuses: z.array(z.string().regex(PURPOSE_ID)).default([]) }).strict(),
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
  })
  .strict();

export type PurposeFile = z.infer<typeof purposesFileSchema>;
export type Purpose = z.infer<typeof purposeSchema>;
export type VendorFile = z.infer<typeof vendorFileSchema>;
export type CookieRule = z.infer<typeof cookieSchema>;
export type SiteFile = z.infer<typeof siteFileSchema>;
