#!/usr/bin/env node
/**
 * `npm run vendor:new <id>`: writes policies/vendors/<id>.yaml, a vendor file with a comment on
 * every field (what it means, an example). The values only the operator can know are `TODO`, which
 * the schema refuses, so `npm run policy:check` lists each one with its field path and a fix until
 * it is filled in. Refuses an id the schema would refuse and a vendor that already exists.
 *   npm run vendor:new <id> [-- --dir <project root>]
 * Field reference: docs/POLICY.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { type VendorFile, vendorFileSchema } from "../src/policy/schema";

/** What the operator must replace; the schema refuses it wherever it stands. */
export const TODO = "TODO";

/**
 * The examples shown in the comments, as one vendor file. A test validates it against the schema,
 * so every example an operator copies out of a scaffold is one the check accepts. Vendor-neutral:
 * code never names a vendor.
 */
export const EXAMPLE: VendorFile = {
  id: "example-analytics",
  name: "Example Analytics",
  purpose: "analytics",
  docs: "https://docs.example-analytics.com/install",
  privacyPolicy: "https://www.example-analytics.com/privacy",
  hosts: ["*.example-analytics.com"],
  urls: ["cdn.shared-tags.example/ea/tag.js", "cdn.shared-tags.example/t/js?id=EA-"],
  removalOnlyUrls: ["www.example-analytics.fi/collect/", "www.example-analytics.se/collect/"],
  classTokens: ["^ea-widget-[0-9a-f]{8}$"],
  standIns: [
    { global: "eaq", kind: "array" },
    { global: "exampleAnalytics", kind: "queue" },
  ],
  inline: ["exampleAnalytics('init'"],
  selectors: ["div.example-analytics-badge"],
  cookies: [
    {
      name: "_ea_id_*",
      lifetime: "P1Y",
      domain: "parent",
      path: "/",
      description: {
        fi: "Tunnistaa selaimen kävijämäärien laskemista varten.",
        sv: "Känner igen webbläsaren för att räkna besökare.",
        en: "Recognises the browser to count visitors.",
      },
    },
  ],
  placeholder: {
    at: "selector",
    text: {
      fi: "Tämä sisältö näytetään Example Analyticsin kautta, ja se latautuu vasta, kun sallit sen.",
      sv: "Innehållet visas via Example Analytics och laddas först när du tillåter det.",
      en: "This content is shown through Example Analytics and loads only once you allow it.",
    },
    button: { fi: "Näytä sisältö", sv: "Visa innehållet", en: "Show the content" },
  },
};

/** Why `id` cannot be a new vendor's id, or null when it can. */
export function idProblem(id: string | undefined): string | null {
  if (!id) return "give the new vendor's id: npm run vendor:new <id>";
  if (!vendorFileSchema.shape.id.safeParse(id).success)
    return `"${id}" is not a vendor id: use lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters (e.g. example-analytics)`;
  return null;
}

/** `# ` before every line of `text`. */
const comment = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => (line ? `# ${line}` : "#"))
    .join("\n");

/** A field's example in YAML, as it would appear in the file. */
const example = (field: keyof VendorFile) => stringify({ [field]: EXAMPLE[field] }, { lineWidth: 0 });

/**
 * The text of policies/vendors/<id>.yaml for a new vendor; `purposes` are the declared purpose ids.
 * The id is quoted, so an id YAML would read as something else (`123`, `null`, `true`) stays a string.
 */
export function scaffoldVendor(id: string, purposes: readonly string[]): string {
  const purposeList = purposes.length ? purposes.join(", ") : "see policies/purposes.yaml";
  return `# yaml-language-server: $schema=../schema/vendor.schema.json
# ${id}: say here what its tags are (a loader script, an inline configuration, a pixel, a widget).
# Snippet: link the vendor's official snippet here. Written by npm run vendor:new ${id}.
#
# Replace every ${TODO}, fill in the lists its tags need, delete the examples, then run
# npm run policy:check: it names every value still missing. Then audit a page that carries its
# tags: npm run audit -- <page.html | http://origin/page>. Field reference: docs/POLICY.md.

# The file name without .yaml (lowercase letters, digits and dashes). Example: ${EXAMPLE.id}
id: ${JSON.stringify(id)}

# Who the vendor is, as visitors read it on /__gk/preferences and /__gk/cookies.
# Example: ${EXAMPLE.name}
name: ${JSON.stringify(id)}

# The purpose its tags serve: one of the ids in policies/purposes.yaml, that is
#   ${purposeList}
# While the visitor refuses this purpose, every tag below is removed from pages and its cookies
# are expired. Example: ${EXAMPLE.purpose}
purpose: ${TODO}

# An https link to the vendor's installation snippet or tag documentation, so a reviewer can check
# the patterns below against it. Example: ${EXAMPLE.docs}
docs: ${TODO}

# An https link to the vendor's privacy policy, linked from the cookie declaration (/__gk/cookies).
# Example: ${EXAMPLE.privacyPolicy}
privacyPolicy: ${TODO}

# Every host its tags make the browser contact (scripts, pixels, iframes, beacons, fonts):
# www.example.com, or *.example.com for the domain and all its subdomains. While the purpose is
# refused, any element that would contact one of them is removed; while it is allowed, the
# per-decision Content-Security-Policy allows them. A host shared with another vendor is refused
# unless every vendor claiming it is allowed (use urls below to tell them apart). Example:
${comment(example("hosts"))}
hosts:
  - ${TODO}

# Optional. Host + path-prefix rules, without a scheme, that pick this vendor's URLs on a host it
# shares with another vendor or does not own, optionally with one ?param=prefix condition. The
# longest matching path wins, and a query condition beats any path. Example:
${comment(example("urls"))}
urls: []

# Optional. Like urls, but left out of the Content-Security-Policy: URL families on more hosts
# than a header can list (a vendor's country domains). Removed while refused like urls. Example:
${comment(example("removalOnlyUrls"))}
removalOnlyUrls: []

# Optional. Literal snippets (4 to 200 characters) that identify its inline loader or
# configuration inside <script> text, compared ignoring case, whitespace and quote kind; a refused
# inline script loses its text. Example:
${comment(example("inline"))}
inline: []

# Optional. CSS selectors (as lol-html supports them) of containers its widgets fill, removed while
# the purpose is refused. :not() takes simple selectors only (tag, .class, #id, [attr]). Example:
${comment(example("selectors"))}
selectors: []

# Optional. Its containers told by one class token where no selector says it exactly: anchored
# patterns (^...$, linear-time, at least three literal characters first) that one class of the
# element must match. Prefer this to [class*=...], which also takes the site's own classes. Example:
${comment(example("classTokens"))}
classTokens: []

# Optional. The globals its snippet defines and site code calls (window.exampleAnalytics(...)):
# while refused, the page gets inert stand-ins so the site's code keeps running; array: an empty
# array, queue: a function that only queues its calls. Nothing is sent. Example:
${comment(example("standIns"))}
standIns: []

# Optional. The cookies its tags set: listed on /__gk/cookies, and expired when the visitor refuses
# or withdraws the purpose. name: * stands for any run of characters; lifetime: an ISO 8601
# duration (P1Y, P13M, P7D, PT30M) or session; domain: host (the default), parent (set on the
# registrable domain, as analytics cookies often are) or a domain; path: default /; description:
# one line in each language the site files list (languages). Example:
${comment(example("cookies"))}
cookies: []

# Optional. What visitors see where its tags were removed, with a one-click allow for its purpose:
# at: selector replaces the elements its selectors match; at: body-end adds a button before
# </body> when any of its tags was removed (a chat launcher has no element of its own). Example:
${comment(example("placeholder"))}

# Optional, for analytics served first-party: a beacon: block (docs/ANALYTICS.md).
`;
}

/** The declared purpose ids, or none when purposes.yaml cannot be read (the comment then points at it). */
function declaredPurposes(root: string): string[] {
  try {
    const file = parse(readFileSync(join(root, "policies", "purposes.yaml"), "utf8")) as {
      purposes?: Array<{ id?: unknown }>;
    };
    return (file.purposes ?? []).map((p) => p.id).filter((id): id is string => typeof id === "string");
  } catch {
    return [];
  }
}

/** Writes the scaffold under `root`; returns the file written, or the reason it refused. */
export function createVendor(root: string, id: string | undefined): { file: string } | { error: string } {
  const problem = idProblem(id);
  if (problem || !id) return { error: problem ?? "no id" };
  const dir = join(root, "policies", "vendors");
  if (!existsSync(dir)) return { error: `${dir} does not exist: run this in the project's root, or give --dir` };
  const taken = [`${id}.yaml`, `${id}.yml`].find((name) => existsSync(join(dir, name)));
  if (taken)
    return {
      error: `policies/vendors/${taken} already exists: edit it, or choose another id (npm run vendor:new <id>)`,
    };
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, scaffoldVendor(id, declaredPurposes(root)), { flag: "wx" });
  return { file };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dirFlag = args.indexOf("--dir");
  const root = resolve(dirFlag > -1 ? (args[dirFlag + 1] ?? ".") : ".");
  const ids = dirFlag > -1 ? args.filter((_, i) => i !== dirFlag && i !== dirFlag + 1) : args;
  const result = ids.length > 1 ? { error: `one id at a time (given: ${ids.join(" ")})` } : createVendor(root, ids[0]);
  if ("error" in result) {
    console.error(`vendor:new: ${result.error}`);
    process.exit(1);
  }
  console.log(`wrote ${result.file}
Next: replace each ${TODO} in it (npm run policy:check lists them), fill in the tag patterns and
cookies from the vendor's snippet, then npm run audit -- <a page with its tags>.`);
}
