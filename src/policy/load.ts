/**
 * Validates the raw policy files (parsed YAML, keyed by path) into one typed Policy, or returns
 * every problem found. Pure: the Node check script and the worker both call it.
 */
import type { z } from "zod";
import { normalizeInline } from "../html/inline-match";
import { type Diagnostic, formatPath, preview } from "./diagnostics";
import {
  type Purpose,
  purposesFileSchema,
  type SiteFile,
  siteFileSchema,
  type VendorFile,
  vendorFileSchema,
} from "./schema";

/** What the bundler produces: each file's parsed content, or the parse error it hit. */
export type PolicyFiles = Readonly<Record<string, unknown>>;
export interface ParseError {
  $parseError: string;
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

function issueToDiagnostic(file: string, issue: z.core.$ZodIssue): Diagnostic {
  const path = formatPath(issue.path);
  const field = [...issue.path].reverse().find((k) => typeof k === "string") as string | undefined;
  const received = preview((issue as { input?: unknown }).input);
  switch (issue.code) {
    case "unrecognized_keys":
      return {
        file,
        path,
        expected: "only the documented keys",
        received: `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`,
        fix: `remove or rename ${issue.keys.join(", ")}; see the policy file reference in README.md`,
      };
    case "invalid_type":
      return {
        file,
        path,
        expected: issue.expected,
        received,
        fix:
          received === "nothing (the field is missing)"
            ? `add the required field "${path}"`
            : `change "${path}" to a ${issue.expected}`,
      };
    case "invalid_value":
      return {
        file,
        path,
        expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        received,
        fix: `set "${path}" to one of the allowed values`,
      };
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
        fix: (field && FIELD_FIXES[field]) || `correct "${path}"`,
      };
  }
}

function validate<T>(file: string, schema: z.ZodType<T>, data: unknown, out: Diagnostic[]): T | undefined {
  if (isParseError(data)) {
    out.push({
      file,
      path: "",
      expected: "a YAML document",
      received: `a file that does not parse: ${data.$parseError}`,
      fix: "fix the YAML syntax at the line and column given",
    });
    return undefined;
  }
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) out.push(issueToDiagnostic(file, issue));
  return undefined;
}

function isParseError(data: unknown): data is ParseError {
  return typeof data === "object" && data !== null && "$parseError" in data;
}

export function loadPolicy(files: PolicyFiles): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const names = Object.keys(files).sort();

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
      : validate(PURPOSES_FILE, purposesFileSchema, purposesFile, diagnostics)?.purposes;

  const sites: Array<{ file: string; site: SiteFile }> = [];
  const vendors: Array<{ file: string; vendor: VendorFile }> = [];
  for (const file of names) {
    if (file.startsWith(SITE_DIR)) {
      const site = validate(file, siteFileSchema, files[file], diagnostics);
      if (site) sites.push({ file, site });
    } else if (file.startsWith(VENDOR_DIR)) {
      const vendor = validate(file, vendorFileSchema, files[file], diagnostics);
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
  if (purposes) checkReferences(purposes, sites, vendors, diagnostics);
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
  out: Diagnostic[],
): void {
  const ids = purposes.map((p) => p.id);
  const known = new Set(ids);
  purposes.forEach((p, i) => {
    if (ids.indexOf(p.id) !== i)
      out.push({
        file: PURPOSES_FILE,
        path: `purposes[${i}].id`,
        expected: "a purpose id used once",
        received: preview(p.id),
        fix: "give each purpose its own id",
      });
  });
  if (!purposes.some((p) => p.required))
    out.push({
      file: PURPOSES_FILE,
      path: "purposes",
      expected: "one purpose with required: true (strictly necessary)",
      received: "none",
      fix: "mark the strictly necessary purpose required: true",
    });
  const purposeFix = `use one of: ${ids.join(", ")}`;

  const hostOwners = new Map<string, string>();
  for (const { file, site } of sites) {
    site.hosts.forEach((host, i) => {
      const owner = hostOwners.get(host);
      if (owner)
        out.push({
          file,
          path: `hosts[${i}]`,
          expected: "a host no other site file claims",
          received: `${preview(host)}, also claimed by ${owner}`,
          fix: "keep the host in one site file only",
        });
      else hostOwners.set(host, file);
    });
    site.gpc.refuses.forEach((id, i) => {
      const purpose = purposes.find((p) => p.id === id);
      if (!purpose || purpose.required)
        out.push({
          file,
          path: `gpc.refuses[${i}]`,
          expected: "a purpose that is not required",
          received: preview(id),
          fix: purposeFix.replace("one of", "one of the optional purposes among"),
        });
    });
  }

  const urlOwners = new Map<string, string>();
  const inlineOwners = new Map<string, string>();
  const vendorIds = new Set<string>();
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
    if (vendorIds.has(vendor.id))
      out.push({ file, path: "id", expected: "a unique vendor id", received: preview(vendor.id), fix: "rename one" });
    vendorIds.add(vendor.id);
    if (!known.has(vendor.purpose))
      out.push({
        file,
        path: "purpose",
        expected: "a declared purpose id",
        received: preview(vendor.purpose),
        fix: purposeFix,
      });
    const required = purposes.find((p) => p.id === vendor.purpose)?.required;
    if (required && (vendor.hosts.length || vendor.inline.length || vendor.selectors.length))
      out.push({
        file,
        path: "hosts",
        expected: "no tag patterns on a vendor of a required purpose (they could never be refused)",
        received: `${vendor.hosts.length} hosts, ${vendor.inline.length} inline, ${vendor.selectors.length} selectors`,
        fix: "move the tags to a vendor with an optional purpose, or list only cookies here",
      });
    vendor.urls.forEach((url, i) => {
      const owner = urlOwners.get(url.toLowerCase());
      if (owner)
        out.push({
          file,
          path: `urls[${i}]`,
          expected: "a URL rule no other vendor has",
          received: `${preview(url)}, also in ${owner}`,
          fix: "keep the rule in the vendor it belongs to",
        });
      else urlOwners.set(url.toLowerCase(), file);
    });
    vendor.inline.forEach((snippet, i) => {
      const key = normalizeInline(snippet);
      const owner = inlineOwners.get(key);
      if (owner)
        out.push({
          file,
          path: `inline[${i}]`,
          expected: "an inline snippet no other vendor has",
          received: `${preview(snippet)}, also in ${owner}`,
          fix: "keep the snippet in the vendor it belongs to",
        });
      else inlineOwners.set(key, file);
    });
  }
}
