#!/usr/bin/env node
/**
 * `npm run policy:diff`: what changes between the policy at a git revision and the working tree
 * (or a second revision), in words: vendors and cookies added or removed, purposes added, removed
 * or changed, hosts / URL rules / inline snippets / selectors per vendor, site settings and
 * `version`, and whether visitors must be asked again.
 *
 *   npm run policy:diff                       HEAD against the working tree
 *   npm run policy:diff -- main               main against the working tree
 *   npm run policy:diff -- v1.3 v1.4          one revision against another
 *   npm run policy:diff -- main --strict      exit 1 when visitors must be asked again but no
 *                                             site's `version` was bumped (for CI)
 *   npm run policy:diff -- main --json        machine output
 *
 * Visitors must be asked again when a purpose is added, a vendor joins an existing purpose
 * (new, or moved from another), a vendor of an optional purpose declares a new cookie, or an
 * optional purpose becomes required. Consent given to the old `version` then must stop counting:
 * the site's `version` has to go up.
 */
import { resolve } from "node:path";
import { renderDiagnostics } from "../src/policy/diagnostics";
import { loadPolicy, type PolicyFiles, PURPOSES_FILE } from "../src/policy/load";
import {
  type CookieRule,
  type Purpose,
  purposesFileSchema,
  type SiteFile,
  siteFileSchema,
  type VendorFile,
  vendorFileSchema,
} from "../src/policy/schema";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles, readPolicyFilesAt } from "./lib/policy-files.mjs";

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const obj = (v: unknown): Record<string, any> => (v && typeof v === "object" ? (v as Record<string, any>) : {});

/**
 * A policy as compared: each file validated on its own against today's schema (so defaults are
 * filled in the same way on both sides), or read as written when it does not validate, so an old
 * revision the current schema rejects can still be compared.
 */
interface View {
  purposes: Purpose[];
  sites: SiteFile[];
  vendors: VendorFile[];
  /** Files that do not parse as YAML: their ids are neither compared nor reported removed. */
  unreadable: Set<string>;
  /** Rendered diagnostics when the policy as a whole does not validate. */
  invalid?: string;
}

function view(files: PolicyFiles): View {
  const loaded = loadPolicy(files);
  const unreadable = new Set<string>();
  const parsed = <T>(
    dir: string,
    schema: { safeParse(d: unknown): { success: boolean; data?: T } },
    fill: (raw: Record<string, any>) => T,
  ) =>
    Object.entries(files)
      .filter(([k]) => k.startsWith(dir))
      .flatMap(([k, v]) => {
        if (!v || typeof v !== "object" || "$parseError" in v) {
          unreadable.add(k.slice(dir.length).replace(/\.ya?ml$/, ""));
          return [];
        }
        const r = schema.safeParse(v);
        return [r.success ? (r.data as T) : fill(obj(v))];
      });
  const purposesRaw = files[PURPOSES_FILE];
  const purposesParsed = purposesFileSchema.safeParse(purposesRaw);
  const purposes = purposesParsed.success
    ? purposesParsed.data.purposes
    : arr<Record<string, any>>(obj(purposesRaw).purposes).map(
        (p) => ({ ...p, required: p.required === true }) as Purpose,
      );
  return {
    purposes,
    sites: parsed<SiteFile>("policies/sites/", siteFileSchema, (s) => s as SiteFile),
    vendors: parsed<VendorFile>("policies/vendors/", vendorFileSchema, (v) => ({
      ...(v as VendorFile),
      hosts: arr(v.hosts),
      urls: arr(v.urls),
      inline: arr(v.inline),
      selectors: arr(v.selectors),
      cookies: arr(v.cookies),
    })),
    unreadable,
    invalid: loaded.ok ? undefined : renderDiagnostics(loaded.diagnostics),
  };
}

export interface Section {
  title: string;
  lines: string[];
}

export interface PolicyDiff {
  sections: Section[];
  /** Why visitors must be asked again; empty when nothing widens what they agreed to. */
  reasons: string[];
  /** Per site present on both sides. */
  versions: Array<{ site: string; before: number; after: number; bumped: boolean }>;
  /** Visitors must be asked again and some site kept (or lowered) its version. */
  reaskWithoutBump: boolean;
  beforeInvalid?: string;
  afterInvalid?: string;
  changed: boolean;
}

const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [String(x.id), x]));
const added = <T>(before: readonly T[], after: readonly T[]) => after.filter((x) => !before.includes(x));
const list = (xs: readonly string[]) => xs.join(", ");
const text = (t: unknown) => {
  const o = obj(t);
  return String(o.en ?? o.fi ?? "");
};
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Leaf paths whose values differ, `consent.lifetimeDays: 365 → 400`. */
function leafChanges(before: unknown, after: unknown, path = ""): string[] {
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(obj(before)), ...Object.keys(obj(after))])].sort();
    return keys.flatMap((k) => leafChanges(obj(before)[k], obj(after)[k], path ? `${path}.${k}` : k));
  }
  if (same(before, after)) return [];
  if (before === undefined) return [`${path} set to ${show(after)}`];
  if (after === undefined) return [`${path} removed (was ${show(before)})`];
  // Visitor-facing texts: say which, not the whole paragraph.
  if (typeof before === "string" && typeof after === "string" && (before.length > 60 || after.length > 60))
    return [`${path} reworded`];
  return [`${path}: ${show(before)} → ${show(after)}`];
}

function cookieLine(c: CookieRule): string {
  return `${c.name} (${c.lifetime}${c.domain && c.domain !== "host" ? `, domain ${c.domain}` : ""})`;
}

export function diffPolicies(beforeFiles: PolicyFiles, afterFiles: PolicyFiles): PolicyDiff {
  const before = view(beforeFiles);
  const after = view(afterFiles);
  const reasons: string[] = [];
  const sections: Section[] = [];
  const purposeBefore = byId(before.purposes);
  const purposeAfter = byId(after.purposes);
  const optionalAfter = (id: string) => purposeAfter.has(id) && purposeAfter.get(id)?.required !== true;

  // Purposes.
  const pl: string[] = [];
  for (const [id, p] of purposeAfter) {
    const old = purposeBefore.get(id);
    if (!old) {
      pl.push(`+ purpose ${id} "${text(p.name)}" added${p.required ? " (required: always on)" : ""}`);
      if (!p.required) reasons.push(`purpose ${id} added`);
      else reasons.push(`required purpose ${id} added: it runs without asking`);
      continue;
    }
    const changes: string[] = [];
    if (!old.required && p.required) {
      changes.push("now required (always on, cannot be refused)");
      reasons.push(`purpose ${id} made required`);
    } else if (old.required && !p.required) changes.push("no longer required (visitors may refuse it)");
    if (!same(old.name, p.name)) changes.push(`renamed "${text(old.name)}" → "${text(p.name)}"`);
    const reworded = ["fi", "sv", "en"].filter((l) => obj(old.description)[l] !== obj(p.description)[l]);
    if (reworded.length)
      changes.push(`description reworded (${reworded.join(", ")}): check whether it now covers more than before`);
    if (changes.length) pl.push(`~ purpose ${id}: ${changes.join("; ")}`);
  }
  for (const [id, p] of purposeBefore)
    if (!purposeAfter.has(id)) pl.push(`- purpose ${id} "${text(p.name)}" removed: its consent no longer applies`);
  sections.push({ title: "Purposes", lines: pl });

  // Vendors.
  const vendorBefore = byId(before.vendors);
  const vendorAfter = byId(after.vendors);
  const vl: string[] = [];
  const cl: string[] = [];
  const TAGS = ["hosts", "urls", "inline", "selectors"] as const;
  const SEEN = new Set<string>(["id", "purpose", "cookies", ...TAGS]);
  for (const [id, v] of vendorAfter) {
    const old = vendorBefore.get(id);
    if (!old) {
      const parts = TAGS.filter((k) => v[k].length).map((k) => `${k} ${list(v[k])}`);
      vl.push(`+ vendor ${id} (${v.name}) added to ${v.purpose}${parts.length ? `: ${parts.join("; ")}` : ""}`);
      for (const c of v.cookies) cl.push(`+ cookie ${cookieLine(c)} of ${id} (${v.purpose})`);
      if (purposeBefore.has(v.purpose) && optionalAfter(v.purpose))
        reasons.push(`vendor ${id} added to existing purpose ${v.purpose}`);
      continue;
    }
    const changes: string[] = [];
    if (old.purpose !== v.purpose) {
      changes.push(`moved from ${old.purpose} to ${v.purpose}`);
      if (optionalAfter(v.purpose)) reasons.push(`vendor ${id} moved into purpose ${v.purpose}`);
    }
    for (const k of TAGS) {
      const plus = added(old[k], v[k]);
      const minus = added(v[k], old[k]);
      if (plus.length) changes.push(`${k} added: ${list(plus)}`);
      if (minus.length) changes.push(`${k} removed: ${list(minus)}`);
    }
    const oldCookies = new Map(old.cookies.map((c) => [c.name, c]));
    const newCookies = new Map(v.cookies.map((c) => [c.name, c]));
    for (const [name, c] of newCookies) {
      const was = oldCookies.get(name);
      if (!was) {
        cl.push(`+ cookie ${cookieLine(c)} of ${id} (${v.purpose})`);
        if (optionalAfter(v.purpose) && old.purpose === v.purpose)
          reasons.push(`vendor ${id} (${v.purpose}) declares a new cookie ${name}`);
      } else if (!same(was, c)) {
        const what = leafChanges(was, c).join(", ");
        cl.push(`~ cookie ${name} of ${id}: ${what}`);
      }
    }
    for (const [name, c] of oldCookies)
      if (!newCookies.has(name))
        cl.push(`- cookie ${cookieLine(c)} of ${id} (${old.purpose}): no longer declared nor expired on withdrawal`);
    const other = [...new Set([...Object.keys(old), ...Object.keys(v)])]
      .filter((k) => !SEEN.has(k) && !same(obj(old)[k], obj(v)[k]))
      .sort();
    if (other.length) changes.push(`also changed: ${list(other)}`);
    if (changes.length) vl.push(`~ vendor ${id} (${v.purpose}): ${changes.join("; ")}`);
  }
  for (const [id, v] of vendorBefore)
    if (!vendorAfter.has(id) && !after.unreadable.has(id)) {
      vl.push(`- vendor ${id} (${v.name}) removed from ${v.purpose}: its tags are no longer recognised or removed`);
      for (const c of v.cookies) cl.push(`- cookie ${cookieLine(c)} of ${id} (${v.purpose})`);
    }
  sections.push({ title: "Vendors", lines: vl }, { title: "Cookies", lines: cl });

  // Sites.
  const siteBefore = byId(before.sites);
  const siteAfter = byId(after.sites);
  const sl: string[] = [];
  const versions: PolicyDiff["versions"] = [];
  for (const [id, s] of siteAfter) {
    const old = siteBefore.get(id);
    if (!old) {
      sl.push(`+ site ${id} added (version ${s.version}, hosts ${list(arr(s.hosts))})`);
      continue;
    }
    const bumped = Number(s.version) > Number(old.version);
    versions.push({ site: id, before: Number(old.version), after: Number(s.version), bumped });
    if (bumped) sl.push(`~ site ${id}: version ${old.version} → ${s.version} (bumped: every visitor is asked again)`);
    else if (Number(s.version) < Number(old.version))
      sl.push(
        `~ site ${id}: version LOWERED ${old.version} → ${s.version}: consent given to version ${s.version} long ago counts again`,
      );
    if (old.mode !== s.mode)
      sl.push(
        `~ site ${id}: mode ${old.mode ?? "enforce"} → ${s.mode ?? "enforce"}${s.mode === "shadow" ? " (nothing is removed; what would be is logged)" : " (tags are removed)"}`,
      );
    const rest = leafChanges({ ...old, version: 0, mode: 0 }, { ...s, version: 0, mode: 0 });
    if (rest.length) sl.push(`~ site ${id}: ${rest.join("; ")}`);
  }
  for (const [id] of siteBefore) if (!siteAfter.has(id) && !after.unreadable.has(id)) sl.push(`- site ${id} removed`);
  for (const id of after.unreadable) sl.push(`? ${id}: does not parse in the new policy, not compared`);
  sections.push({ title: "Sites", lines: sl });

  const reaskWithoutBump = reasons.length > 0 && versions.some((v) => !v.bumped);
  return {
    sections,
    reasons,
    versions,
    reaskWithoutBump,
    beforeInvalid: before.invalid,
    afterInvalid: after.invalid,
    changed: sections.some((s) => s.lines.length > 0),
  };
}

export function renderDiff(diff: PolicyDiff, from: string, to: string): string {
  const out: string[] = [`Policy changes from ${from} to ${to}`];
  if (diff.beforeInvalid) out.push("", `Note: the policy at ${from} does not validate today; compared as written.`);
  if (diff.afterInvalid)
    out.push("", `WARNING: the policy in ${to} does not validate (npm run policy:check):`, diff.afterInvalid.trimEnd());
  if (!diff.changed) {
    out.push("", "No policy changes.");
    return `${out.join("\n")}\n`;
  }
  for (const s of diff.sections) {
    if (!s.lines.length) continue;
    out.push("", `${s.title}:`, ...s.lines.map((l) => `  ${l}`));
  }
  out.push("");
  if (!diff.reasons.length) {
    const bumped = diff.versions.filter((v) => v.bumped);
    out.push(
      bumped.length
        ? `Visitors need not be asked again, but ${list(bumped.map((v) => `site ${v.site}`))} bumped its version: everyone is asked again anyway.`
        : "Visitors need not be asked again: nothing widens what they agreed to.",
    );
  } else {
    out.push("Visitors must be asked again:", ...diff.reasons.map((r) => `  - ${r}`));
    for (const v of diff.versions) {
      if (v.bumped) out.push(`  site ${v.site}: version ${v.before} → ${v.after}, so they will be.`);
      else
        out.push(
          "",
          `!!! site ${v.site} still has version ${v.after}: consent given under version ${v.before} keeps counting for`,
          `!!! what it never covered. Set version: ${Math.max(v.before, v.after) + 1} in policies/sites/${v.site}.yaml.`,
        );
    }
  }
  return `${out.join("\n")}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const strict = argv.includes("--strict");
  const json = argv.includes("--json");
  const unknown = argv.filter((a) => a.startsWith("--") && a !== "--strict" && a !== "--json");
  const refs = argv.filter((a) => !a.startsWith("--"));
  if (unknown.length || refs.length > 2) {
    console.error("usage: npm run policy:diff -- [<git ref> [<git ref>]] [--strict] [--json]");
    return 2;
  }
  const root = resolve(".");
  const from = refs[0] ?? "HEAD";
  let beforeFiles: PolicyFiles;
  let afterFiles: PolicyFiles;
  try {
    beforeFiles = readPolicyFilesAt(root, from);
    afterFiles = refs[1] ? readPolicyFilesAt(root, refs[1]) : readPolicyFiles(root);
  } catch (e) {
    const msg = String((e as { stderr?: string }).stderr || (e as Error).message).trim();
    console.error(
      `policy:diff: cannot read the policy at ${refs[1] ? `${from} or ${refs[1]}` : from}: ${msg || "not a revision"}`,
    );
    return 2;
  }
  const diff = diffPolicies(beforeFiles, afterFiles);
  const to = refs[1] ?? "the working tree";
  process.stdout.write(json ? `${JSON.stringify({ from, to, ...diff }, null, 2)}\n` : renderDiff(diff, from, to));
  if (strict && (diff.reaskWithoutBump || diff.afterInvalid)) {
    if (!json) console.error("policy:diff --strict: fix the above before deploying.");
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname))
  process.exitCode = await main(process.argv.slice(2));
