/**
 * The vendor file an operator pastes to allow the site's own third-party hosts (its CDNs, APIs,
 * fonts) under the required purpose, proposed from evidence: CSP violation reports
 * (`npm run csp:report -- --propose`) or what the audit met in a page (`npm run audit -- --propose`).
 * Every host comes with the evidence for it as a comment, so a reviewer sees why it is there; hosts
 * a vendor file cannot name (IP addresses, single labels) are listed as skipped. The result passes
 * `npm run policy:check` as `policies/vendors/<id>.yaml`. Pure.
 */
import type { Policy } from "../../src/policy/load";
import { HOST_PATTERN } from "../../src/policy/schema";

export interface HostEvidence {
  host: string;
  /** One line of evidence, e.g. "8 violations: script-src-elem 5, img-src 3". */
  evidence: string;
}

export interface Proposal {
  /** The vendor id, and so the file name: policies/vendors/<id>.yaml. */
  id: string;
  /** Hosts proposed; empty when nothing can be. */
  hosts: string[];
  yaml: string;
}

const BASE_ID = "site-hosts";

/** A YAML comment line: no line breaks. */
const comment = (text: string) => `# ${text.replace(/[\r\n]+/g, " ")}`;

export function proposeNecessaryVendor(policy: Policy, found: readonly HostEvidence[], source: string): Proposal {
  const purpose = policy.purposes.find((p) => p.required)?.id;
  if (!purpose) throw new Error("the policy declares no required purpose");
  const taken = new Set(policy.vendors.map((v) => v.id));
  let id = BASE_ID;
  for (let n = 2; taken.has(id); n++) id = `${BASE_ID}-${n}`;
  const docs =
    policy.sites.map((s) => s.ui.privacyPolicy).find((url) => url.startsWith("https://")) ??
    `https://${found.find((f) => HOST_PATTERN.test(f.host))?.host ?? "example.com"}/`;

  const byHost = new Map<string, string[]>();
  for (const f of found) byHost.set(f.host, [...(byHost.get(f.host) ?? []), f.evidence]);
  const hosts = [...byHost.keys()].filter((h) => HOST_PATTERN.test(h)).sort();
  const skipped = [...byHost.keys()].filter((h) => !HOST_PATTERN.test(h)).sort();

  const lines = [
    "# yaml-language-server: $schema=../schema/vendor.schema.json",
    comment(`Proposed by ${source}: third-party hosts the site's pages use that no vendor file names.`),
    "# Review each host before committing. Keep it here only if the site itself needs it (its own CDN,",
    "# API, fonts or images): these load for every visitor, before any consent. A third party that",
    "# tracks visitors belongs in a vendor file of its own, under its purpose.",
    comment(`Save as policies/vendors/${id}.yaml and run npm run policy:check.`),
    `id: ${id}`,
    `name: ${JSON.stringify("The site's own hosts")}`,
    `purpose: ${purpose}`,
    comment("Where these hosts are documented; the site's privacy policy until something better is at hand."),
    `docs: ${JSON.stringify(docs)}`,
  ];
  if (hosts.length) {
    lines.push("hosts:");
    for (const host of hosts) {
      for (const e of byHost.get(host) ?? []) lines.push(`  ${comment(e)}`);
      lines.push(`  - ${host}`);
    }
  } else lines.push("hosts: []");
  for (const host of skipped)
    lines.push(comment(`Not proposed: ${host}, which is not a host name a vendor file can hold.`));
  return { id, hosts, yaml: `${lines.join("\n")}\n` };
}
