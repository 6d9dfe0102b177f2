/**
 * Validates the raw policy files (parsed YAML, keyed by path) into one typed Policy, or returns
 * every problem found. Pure: the Node check script and the worker both call it.
 */
import type { z } from "zod";
import { normalizeInline } from "../match/inline";
import { type Diagnostic, formatPath, preview } from "./diagnostics";
import {
  type Purpose,
  purposesFileSchema,
  type SiteFile,
  siteFileSchema,
  type VendorFile,
  vendorFileSchema,
} from "./schema";
import { didYouMean, isTextAt, keysAt, textShape } from "./schema-paths";
import { silentSelectorProblem } from "./selectors";

/** What the bundler produces: each file's parsed content, or the parse error it hit. */
export type PolicyFiles = Readonly<Record<string, unknown>>;
export interface ParseError {
  $parseError: string;
  /** The line where the problem starts. */
  $line?: number;
}

export interface Policy {
  purposes: Purpose[];
  sites: SiteFile[];
  vendors: VendorFile[];
}

export type LoadResult = { ok: true; policy: Policy } | { ok: false; diagnostics: Diagnostic[] };

export const PURPOSES_FILE = "policies/purposes.yaml";
const SITE_DIR = "policies/sites/";
const VENDOR_DIR = "policies/vendors/";

/** Field-specific advice; the generic advice by issue code follows below. */
const FIELD_FIXES: Record<string, string> = {
  purpose: `use one of the purpose ids declared in ${PURPOSES_FILE}`,
  hosts: 'write a lowercase host such as "www.example.com", or "*.example.com" for it and all subdomains',
  urls: 'write a host and a path prefix such as "www.googletagmanager.com/gtm.js" (no scheme)',
  lifetime: 'write an ISO 8601 duration such as "P2Y", "P13M", "P7D", "PT24H", or "session"',
  name: "check the spelling; cookie names may use * for any run of characters",
  id: "use lowercase letters, digits and dashes; a vendor's id must equal its file name",
  docs: "link the vendor's https documentation page",
};

function issueToDiagnostic(
  file: string,
  issue: z.core.$ZodIssue,
  schema: z.ZodType,
  languages: readonly string[],
): Diagnostic {
  const path = formatPath(issue.path);
  const field = [...issue.path].reverse().find((k) => typeof k === "string") as string | undefined;
  const received = preview((issue as { input?: unknown }).input);
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKeys(file, issue.path, issue.keys, schema);
    case "invalid_type": {
      const missing = received === "nothing (the field is missing)";
      // A visitor text: name the shape, in the languages the sites offer.
      if (isTextAt(schema, issue.path)) {
        const example = `${field}: { ${languages.map((l) => `${l}: "…"`).join(", ")} }`;
        return {
          file,
          path,
          expected: `a text per language: ${textShape(languages)}`,
          received,
          fix: missing
            ? `add "${path}" with one text per language: ${example}`
            : `write "${path}" as one text per language: ${example}`,
        };
      }
      return {
        file,
        path,
        expected: issue.expected,
        received,
        fix: missing
          ? `add the required field "${path}"`
          : path === ""
            ? "write the file as a YAML mapping of the documented keys (key: value lines)"
            : `change "${path}" to ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`,
      };
    }
    case "invalid_value":
      return {
        file,
        path,
        expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        received,
        fix: `set "${path}" to one of the allowed values`,
      };
    case "invalid_union":
      // A discriminated union (consent.sources[].type): name the allowed values.
      if ("discriminator" in issue && typeof issue.discriminator === "string") {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const given = (issue as { input?: unknown }).input;
        return {
          file,
          path: formatPath([...issue.path]),
          expected: `one of ${options.map((v) => JSON.stringify(v)).join(", ")}`,
          received: preview(
            typeof given === "object" && given !== null
              ? (given as Record<string, unknown>)[issue.discriminator]
              : given,
          ),
          fix: `set "${formatPath([...issue.path])}" to one of the supported types`,
        };
      }
      return { file, path, expected: issue.message, received, fix: `correct "${path}"` };
    case "too_small":
    case "too_big":
      return {
        file,
        path,
        expected: issue.message.replace(/^Too (small|big): expected /, ""),
        received,
        fix: `change "${path}" to fit: ${issue.message}`,
      };
    default:
      return {
        file,
        path,
        expected: issue.message,
        received,
        // A schema refinement may carry its own advice (`params.fix`).
        fix: (issue.code === "custom" && issue.params?.fix) || (field && FIELD_FIXES[field]) || `correct "${path}"`,
      };
  }
}

/** Unknown keys: the keys allowed there, and the one each was most likely meant to be. */
function unknownKeys(file: string, at: readonly PropertyKey[], keys: readonly string[], schema: z.ZodType): Diagnostic {
  const allowed = keysAt(schema, at) ?? [];
  const guesses = keys.map((k) => [k, didYouMean(k, allowed)] as const);
  const renames = guesses.flatMap(([k, g]) => (g ? [`did you mean "${g}"? rename ${k} to ${g}`] : []));
  const others = guesses.filter(([, g]) => !g).map(([k]) => k);
  return {
    file,
    // The key's own path when there is one key, so the heading names the field.
    path: keys.length === 1 ? formatPath([...at, keys[0] as string]) : formatPath(at),
    expected: allowed.length ? `one of the keys ${allowed.join(", ")}` : "only the documented keys",
    received: `unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}`,
    fix: [...renames, ...(others.length ? [`remove or rename ${others.join(", ")}; see docs/POLICY.md`] : [])].join(
      "; ",
    ),
  };
}

function validate<T>(
  file: string,
  schema: z.ZodType<T>,
  data: unknown,
  out: Diagnostic[],
  languages: readonly string[] = [],
): T | undefined {
  if (isParseError(data)) {
    out.push({
      file,
      path: "",
      ...(data.$line ? { line: data.$line } : {}),
      expected: "a YAML document",
      received: `a file that does not parse: ${data.$parseError}`,
      fix: "fix the YAML syntax at the line and column given",
    });
    return undefined;
  }
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) out.push(issueToDiagnostic(file, issue, schema, languages));
  return undefined;
}

function isParseError(data: unknown): data is ParseError {
  return typeof data === "object" && data !== null && "$parseError" in data;
}

/** The languages the site files list, read before validation, for messages about texts. */
function listedLanguages(files: PolicyFiles): string[] {
  const listed = Object.entries(files)
    .filter(([file]) => file.startsWith(SITE_DIR))
    .flatMap(([, data]) => {
      const languages = (data as { languages?: unknown } | null)?.languages;
      return Array.isArray(languages) ? languages.filter((l): l is string => typeof l === "string") : [];
    });
  return [...new Set(listed)];
}

export function loadPolicy(files: PolicyFiles): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const names = Object.keys(files).sort();
  const languages = listedLanguages(files);

  const purposesFile = files[PURPOSES_FILE];
  if (purposesFile === undefined)
    diagnostics.push({
      file: PURPOSES_FILE,
      path: "",
      expected: "the purposes file",
      received: "no such file",
      fix: "create it with the closed list of purposes",
    });
  const purposes =
    purposesFile === undefined
      ? undefined
      : validate(PURPOSES_FILE, purposesFileSchema, purposesFile, diagnostics, languages)?.purposes;

  const sites: Array<{ file: string; site: SiteFile }> = [];
  const vendors: Array<{ file: string; vendor: VendorFile }> = [];
  for (const file of names) {
    if (file.startsWith(SITE_DIR)) {
      const site = validate(file, siteFileSchema, files[file], diagnostics, languages);
      if (site) sites.push({ file, site });
    } else if (file.startsWith(VENDOR_DIR)) {
      const vendor = validate(file, vendorFileSchema, files[file], diagnostics, languages);
      if (vendor) vendors.push({ file, vendor });
    } else if (file !== PURPOSES_FILE) {
      diagnostics.push({
        file,
        path: "",
        expected: `${PURPOSES_FILE}, ${SITE_DIR}<id>.yaml or ${VENDOR_DIR}<id>.yaml`,
        received: "a file in an unknown place",
        fix: "move it into sites/ or vendors/, or delete it",
      });
    }
  }
  if (!sites.length && !diagnostics.some((d) => d.file.startsWith(SITE_DIR))) {
    diagnostics.push({
      file: SITE_DIR,
      path: "",
      expected: "at least one site file",
      received: "none",
      fix: `add ${SITE_DIR}default.yaml with hosts: ["*"]`,
    });
  }
  // Vendor ids by file name, including files that did not validate, so one broken vendor file is
  // not also reported as missing wherever it is referenced.
  const vendorFileIds = names
    .filter((f) => f.startsWith(VENDOR_DIR))
    .map((f) => f.slice(VENDOR_DIR.length).replace(/\.ya?ml$/, ""));
  if (purposes) checkReferences(purposes, sites, vendors, vendorFileIds, diagnostics);
  if (purposes) checkLanguages(purposes, sites, vendors, diagnostics);
  if (diagnostics.length || !purposes) return { ok: false, diagnostics };
  return {
    ok: true,
    policy: { purposes, sites: sites.map((s) => s.site), vendors: vendors.map((v) => v.vendor) },
  };
}

function checkReferences(
  purposes: Purpose[],
  sites: Array<{ file: string; site: SiteFile }>,
  vendors: Array<{ file: string; vendor: VendorFile }>,
  vendorFileIds: readonly string[],
  out: Diagnostic[],
): void {
  const known = new Set(purposes.map((p) => p.id));
  const purposeId = claimOnce(out, { expected: "a purpose id used once", fix: "give each purpose its own id" });
  for (const [i, p] of purposes.entries())
    purposeId(p.id, { file: PURPOSES_FILE, path: `purposes[${i}].id`, value: p.id });
  if (!purposes.some((p) => p.required))
    out.push({
      file: PURPOSES_FILE,
      path: "purposes",
      expected: "one purpose with required: true (strictly necessary)",
      received: "none",
      fix: "mark the strictly necessary purpose required: true",
    });
  const purposeFix = `use one of: ${[...known].join(", ")}`;
  const optionalFix = `use one of the optional purposes: ${purposes
    .filter((p) => !p.required)
    .map((p) => p.id)
    .join(", ")}`;

  const siteHost = claimOnce(out, {
    expected: "a host no other site file claims",
    fix: "keep the host in one site file only",
    owner: "also claimed by",
  });
  for (const { file, site } of sites) {
    for (const [i, host] of site.hosts.entries()) siteHost(host, { file, path: `hosts[${i}]`, value: host });
    site.gpc.refuses.forEach((id, i) => {
      const purpose = purposes.find((p) => p.id === id);
      if (!purpose || purpose.required)
        out.push({
          file,
          path: `gpc.refuses[${i}]`,
          expected: "a purpose that is not required",
          received: preview(id),
          fix: optionalFix,
        });
    });
    checkConsentSources(file, site, purposes, out);
    const mode = site.googleConsentMode;
    if (mode) {
      const vendorIdSet = new Set(vendorFileIds);
      mode.vendors.forEach((id, i) => {
        if (!vendorIdSet.has(id))
          out.push({
            file,
            path: `googleConsentMode.vendors[${i}]`,
            expected: "the id of a vendor file",
            received: preview(id),
            fix: `use one of: ${[...vendorIdSet].join(", ")}`,
          });
      });
      for (const [signal, list] of Object.entries(mode.signals)) {
        list.forEach((id, i) => {
          if (!known.has(id))
            out.push({
              file,
              path: `googleConsentMode.signals.${signal}[${i}]`,
              expected: "a declared purpose id",
              received: preview(id),
              fix: purposeFix,
            });
        });
      }
    }
  }

  const vendorId = claimOnce(out, { expected: "a unique vendor id", fix: "rename one" });
  const urlRule = claimOnce(out, {
    expected: "a URL rule no other vendor has",
    fix: "keep the rule in the vendor it belongs to",
    owner: "also in",
  });
  const inlineSnippet = claimOnce(out, {
    expected: "an inline snippet no other vendor has",
    fix: "keep the snippet in the vendor it belongs to",
    owner: "also in",
  });
  for (const { file, vendor } of vendors) {
    const expectedId = file.slice(VENDOR_DIR.length).replace(/\.ya?ml$/, "");
    if (vendor.id !== expectedId)
      out.push({
        file,
        path: "id",
        expected: `the file name, "${expectedId}"`,
        received: preview(vendor.id),
        fix: `set id: ${expectedId}, or rename the file`,
      });
    vendorId(vendor.id, { file, path: "id", value: vendor.id });
    if (!known.has(vendor.purpose))
      out.push({
        file,
        path: "purpose",
        expected: "a declared purpose id",
        received: preview(vendor.purpose),
        fix: purposeFix,
      });
    const required = purposes.find((p) => p.id === vendor.purpose)?.required;
    // A required vendor's hosts are the site's own CDNs and APIs: never refused, and allowed in the
    // CSP. URL rules, inline snippets and selectors are refused: the most specific URL rule decides
    // a URL, so one here would shield another vendor's tag from refusal.
    const patterns =
      vendor.urls.length +
      vendor.removalOnlyUrls.length +
      vendor.inline.length +
      vendor.selectors.length +
      vendor.classTokens.length;
    if (required && patterns)
      out.push({
        file,
        path: vendor.urls.length ? "urls" : vendor.inline.length ? "inline" : "selectors",
        expected: "no tag patterns on a vendor of a required purpose (they could never be refused)",
        received: `${vendor.urls.length} urls, ${vendor.inline.length} inline, ${vendor.selectors.length} selectors`,
        fix: "move the tags to a vendor with an optional purpose; a required vendor lists only hosts and cookies",
      });
    // lol-html accepts these and then matches nothing: the vendor's elements would stay.
    vendor.selectors.forEach((selector, i) => {
      const silent = silentSelectorProblem(selector);
      if (silent)
        out.push({
          file,
          path: `selectors[${i}]`,
          expected: "a selector lol-html can match (it accepts this one and then matches nothing)",
          received: preview(selector),
          fix: `${silent}: keep :not() to simple selectors (tag, .class, #id, [attr]), e.g. div:not(.consented)`,
        });
    });
    if (vendor.placeholder?.at === "selector" && vendor.selectors.length === 0 && vendor.classTokens.length === 0)
      out.push({
        file,
        path: "placeholder.at",
        expected: 'selectors to stand in for when placeholder.at is "selector"',
        received: "no selectors",
        fix: 'add the container\'s selector to selectors, or use at: "body-end"',
      });
    for (const [i, url] of vendor.urls.entries()) urlRule(url.toLowerCase(), { file, path: `urls[${i}]`, value: url });
    for (const [i, url] of vendor.removalOnlyUrls.entries())
      urlRule(url.toLowerCase(), { file, path: `removalOnlyUrls[${i}]`, value: url });
    for (const [i, snippet] of vendor.inline.entries())
      inlineSnippet(normalizeInline(snippet), { file, path: `inline[${i}]`, value: snippet });
  }
}

/**
 * A check that each key is claimed once: the first claim owns it, and every later one is reported
 * with what was expected, what was received (and, with `owner`, which file claimed it first).
 */
function claimOnce(out: Diagnostic[], rule: { expected: string; fix: string; owner?: string }) {
  const owners = new Map<string, string>();
  return (key: string, at: { file: string; path: string; value: unknown }): void => {
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, at.file);
      return;
    }
    out.push({
      file: at.file,
      path: at.path,
      expected: rule.expected,
      received: rule.owner ? `${preview(at.value)}, ${rule.owner} ${owner}` : preview(at.value),
      fix: rule.fix,
    });
  };
}

/**
 * consent.sources and records: every mapped purpose is a declared optional purpose, each source
 * type appears once, and the gatekeeper's own cookie comes first, so that a choice or a withdrawal
 * made on the gatekeeper's banner or preferences page is never overridden by another consent
 * manager. Proof of a consent is kept at least as long as the consent lasts.
 */
function checkConsentSources(file: string, site: SiteFile, purposes: Purpose[], out: Diagnostic[]): void {
  const optional = new Set(purposes.filter((p) => !p.required).map((p) => p.id));
  const optionalFix = `use one of the optional purposes: ${[...optional].join(", ")}`;
  const sources = site.consent.sources;
  const seen = new Set<string>();
  sources.forEach((source, i) => {
    if (seen.has(source.type))
      out.push({
        file,
        path: `consent.sources[${i}].type`,
        expected: "each source type once",
        received: `${preview(source.type)}, listed before`,
        fix: "remove the second entry",
      });
    seen.add(source.type);
    if (source.type === "gatekeeper") return;
    for (const purpose of Object.keys(source.map))
      if (!optional.has(purpose))
        out.push({
          file,
          path: `consent.sources[${i}].map.${purpose}`,
          expected: "a declared purpose that is not required",
          received: preview(purpose),
          fix: optionalFix,
        });
  });
  if (sources[0]?.type !== "gatekeeper")
    out.push({
      file,
      path: "consent.sources[0]",
      expected: 'the gatekeeper\'s own cookie first: { type: "gatekeeper" }',
      received: preview(sources[0]?.type),
      fix: "put - type: gatekeeper first, so that a choice or withdrawal made on the banner always takes effect",
    });
  if (site.records.retentionDays < site.consent.lifetimeDays)
    out.push({
      file,
      path: "records.retentionDays",
      expected: `at least consent.lifetimeDays (${site.consent.lifetimeDays}): proof must outlive the consent`,
      received: preview(site.records.retentionDays),
      fix: `set records.retentionDays to ${site.consent.lifetimeDays} or more`,
    });
}

/**
 * Languages come from the site files: each site's default is one of its languages and has texts
 * for each; every purpose and vendor text (names, descriptions, placeholders, cookie
 * descriptions) is given in every language any site offers, so no visitor meets a blank.
 */
function checkLanguages(
  purposes: Purpose[],
  sites: Array<{ file: string; site: SiteFile }>,
  vendors: Array<{ file: string; vendor: VendorFile }>,
  out: Diagnostic[],
): void {
  const offeredBy = new Map<string, string>();
  for (const { file, site } of sites) {
    if (!site.languages.includes(site.defaultLanguage))
      out.push({
        file,
        path: "defaultLanguage",
        expected: `one of the site's languages: ${site.languages.join(", ")}`,
        received: preview(site.defaultLanguage),
        fix: `add ${site.defaultLanguage} to languages, or set defaultLanguage to one of them`,
      });
    site.languages.forEach((lang, i) => {
      if (!offeredBy.has(lang)) offeredBy.set(lang, file);
      if (site.languages.indexOf(lang) !== i)
        out.push({
          file,
          path: `languages[${i}]`,
          expected: "each language once",
          received: preview(lang),
          fix: "remove the second entry",
        });
      if (!site.ui.texts[lang])
        out.push({
          file,
          path: `ui.texts.${lang}`,
          expected: `the site's texts in ${lang}, a language it lists`,
          received: "nothing (the texts are missing)",
          fix: `add ui.texts.${lang} with every key (copy the ${site.defaultLanguage} block and translate it), or remove ${lang} from languages`,
        });
    });
  }
  const need = (file: string, path: string, text: Readonly<Record<string, string>> | undefined) => {
    if (!text) return;
    for (const [lang, site] of offeredBy)
      if (!text[lang])
        out.push({
          file,
          path: `${path}.${lang}`,
          expected: `the ${lang} translation: ${site} lists ${lang} in languages`,
          received: "nothing (the translation is missing)",
          fix: `add ${lang}: "…" under ${path}`,
        });
  };
  purposes.forEach((p, i) => {
    need(PURPOSES_FILE, `purposes[${i}].name`, p.name);
    need(PURPOSES_FILE, `purposes[${i}].description`, p.description);
  });
  for (const { file, vendor } of vendors) {
    // A cookie's description may be left out, but once given it is given to every visitor.
    for (const [i, c] of vendor.cookies.entries()) need(file, `cookies[${i}].description`, c.description);
    need(file, "placeholder.text", vendor.placeholder?.text);
    need(file, "placeholder.button", vendor.placeholder?.button);
  }
}
