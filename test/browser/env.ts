/**
 * Facts the browser suite needs about its environment and the policy its gatekeeper runs: the
 * tests' own (test/fixtures/policies; variant.ts). The policy is read only for what the site
 * declares (purposes, the consent cookie's name, the necessary cookies); which request belongs to
 * which vendor is the suite's own knowledge (vendors.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
// @ts-expect-error plain ESM helper without types
import { TEST_POLICY_DIR as TEST_POLICIES } from "../../scripts/lib/policy-files.mjs";

/** Debian's Chromium; CHROMIUM_PATH overrides it for other systems. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * The site's host name in the browser. It resolves to loopback through Chromium's host resolver
 * rules; a registrable-looking name (not localhost) lets vendor cookies land on the parent domain
 * `.kevytpankki.test` as they do on a real site, so withdrawal has to delete them there.
 */
export const SITE_HOST = "www.kevytpankki.test";
export const PARENT_DOMAIN = ".kevytpankki.test";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCREENSHOTS = join(ROOT, "docs", "screenshots");
/** The product's own test policy, which the suite's gatekeeper is built with (test/README.md). */
export const TEST_POLICY_DIR: string = TEST_POLICIES;

const readYaml = (path: string) => parse(readFileSync(join(ROOT, TEST_POLICY_DIR, path), "utf8"));

interface PolicyFacts {
  purposes: string[];
  required: string[];
  consentCookie: string;
  /** Cookie names (with `*` wildcards) of vendors that serve a required purpose. */
  necessaryCookies: string[];
}

function loadPolicyFacts(): PolicyFacts {
  const purposes: Array<{ id: string; required?: boolean }> = readYaml("purposes.yaml").purposes;
  const required = purposes.filter((p) => p.required).map((p) => p.id);
  const site = readYaml("sites/default.yaml");
  const necessaryCookies = readdirSync(join(ROOT, TEST_POLICY_DIR, "vendors"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readYaml(`vendors/${f}`))
    .filter((v) => required.includes(v.purpose))
    .flatMap((v) => (v.cookies ?? []).map((c: { name: string }) => c.name));
  return { purposes: purposes.map((p) => p.id), required, consentCookie: site.consent.cookie, necessaryCookies };
}

export const POLICY = loadPolicyFacts();

export function isNecessaryCookie(name: string): boolean {
  return POLICY.necessaryCookies.some((pattern) =>
    new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`).test(name),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
