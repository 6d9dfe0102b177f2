/**
 * Broken copies of the test policy, edited in code, and the exact text an operator reads
 * (`npm run policy:check`, and the worker's console when it fails closed).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decide } from "../../src/consent/decide";
import { activatePolicy } from "../../src/policy/active";
import { type Diagnostic, renderDiagnostics } from "../../src/policy/diagnostics";
import { loadPolicy, type PolicyFiles } from "../../src/policy/load";
import { shippedFiles } from "../helpers/gate";

type Files = Record<string, any>;

function diagnosticsOf(edit: (files: Files) => void): Diagnostic[] {
  const files = shippedFiles();
  edit(files);
  const result = loadPolicy(files as PolicyFiles);
  if (result.ok) throw new Error("the edited policy loaded: the edit did not break it");
  return result.diagnostics;
}

const render = (edit: (files: Files) => void) => renderDiagnostics(diagnosticsOf(edit));

/**
 * Every diagnostic must let the operator act alone: the file, the field, and what to do. The
 * edited file's diagnostics are all at `path`; other files may report consequences.
 */
function expectActionable(diagnostics: readonly Diagnostic[], file: string, path: string | RegExp) {
  const own = diagnostics.filter((d) => d.file === file);
  expect(own.length).toBeGreaterThan(0);
  for (const d of own) {
    if (typeof path === "string") expect(d.path).toBe(path);
    else expect(d.path).toMatch(path);
  }
  for (const d of diagnostics) {
    expect(d.file).toMatch(/^policies\//);
    expect(d.expected.length).toBeGreaterThan(0);
    expect(d.received.length).toBeGreaterThan(0);
    expect(d.fix.length).toBeGreaterThan(10);
  }
}

const GA = "policies/vendors/google-analytics.yaml";
const GTM = "policies/vendors/google-tag-manager.yaml";
const SITE = "policies/sites/default.yaml";
const PURPOSES = "policies/purposes.yaml";

describe("broken policies: what the operator reads", () => {
  it("wrong type", () => {
    const edit = (f: Files) => {
      f[SITE].version = "2";
    };
    expectActionable(diagnosticsOf(edit), SITE, "version");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/default.yaml at version
          expected: number
          received: "2"
          fix: change "version" to a number"
    `);
  });

  it("unknown key", () => {
    const edit = (f: Files) => {
      f[GA].purpse = "analytics";
    };
    expectActionable(diagnosticsOf(edit), GA, "purpse");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at purpse
          expected: one of the keys id, name, purpose, docs, privacyPolicy, hosts, urls, removalOnlyUrls, inline, selectors, classTokens, cookies, standIns, beacon, placeholder
          received: unknown key "purpse"
          fix: did you mean "purpose"? rename purpse to purpose"
    `);
  });

  it("unknown key, nested", () => {
    const edit = (f: Files) => {
      f[GA].cookies[1].expires = "P2Y";
    };
    expectActionable(diagnosticsOf(edit), GA, "cookies[1].expires");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at cookies[1].expires
          expected: one of the keys name, lifetime, domain, path, description
          received: unknown key "expires"
          fix: remove or rename expires; see docs/POLICY.md"
    `);
  });

  it("unknown key that is a typo of a known one: did you mean", () => {
    const edit = (f: Files) => {
      f[GA].cookie = f[GA].cookies;
      delete f[GA].cookies;
    };
    expectActionable(diagnosticsOf(edit), GA, "cookie");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at cookie
          expected: one of the keys id, name, purpose, docs, privacyPolicy, hosts, urls, removalOnlyUrls, inline, selectors, classTokens, cookies, standIns, beacon, placeholder
          received: unknown key "cookie"
          fix: did you mean "cookies"? rename cookie to cookies"
    `);
  });

  it("unknown nested key that is a typo: did you mean", () => {
    const edit = (f: Files) => {
      f[GA].cookies[0].lifetme = f[GA].cookies[0].lifetime;
      delete f[GA].cookies[0].lifetime;
    };
    const diagnostics = diagnosticsOf(edit);
    expect(diagnostics.map((d) => d.path)).toContain("cookies[0].lifetme");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 2 errors:
      - policies/vendors/google-analytics.yaml at cookies[0].lifetime
          expected: string
          received: nothing (the field is missing)
          fix: add the required field "cookies[0].lifetime"
      - policies/vendors/google-analytics.yaml at cookies[0].lifetme
          expected: one of the keys name, lifetime, domain, path, description
          received: unknown key "lifetme"
          fix: did you mean "lifetime"? rename lifetme to lifetime"
    `);
  });

  it("a text given as a string names the shape per language", () => {
    const edit = (f: Files) => {
      f[PURPOSES].purposes[2].description = "Statistics about how the site is used.";
    };
    expectActionable(diagnosticsOf(edit), PURPOSES, "purposes[2].description");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/purposes.yaml at purposes[2].description
          expected: a text per language: {fi, sv, en}
          received: "Statistics about how the site is used."
          fix: write "purposes[2].description" as one text per language: description: { fi: "…", sv: "…", en: "…" }"
    `);
  });

  it("a missing translation is reported with the language", () => {
    const edit = (f: Files) => {
      delete f[PURPOSES].purposes[1].name.sv;
    };
    expectActionable(diagnosticsOf(edit), PURPOSES, "purposes[1].name.sv");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/purposes.yaml at purposes[1].name.sv
          expected: the sv translation: policies/sites/default.yaml lists sv in languages
          received: nothing (the translation is missing)
          fix: add sv: "…" under purposes[1].name"
    `);
  });

  it("a cookie description missing a translation is reported, not shown blank", () => {
    const edit = (f: Files) => {
      delete f[GA].cookies[0].description.en;
    };
    expectActionable(diagnosticsOf(edit), GA, "cookies[0].description.en");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at cookies[0].description.en
          expected: the en translation: policies/sites/default.yaml lists en in languages
          received: nothing (the translation is missing)
          fix: add en: "…" under cookies[0].description"
    `);
  });

  it("missing field", () => {
    const edit = (f: Files) => {
      delete f[GTM].docs;
    };
    expectActionable(diagnosticsOf(edit), GTM, "docs");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml at docs
          expected: string
          received: nothing (the field is missing)
          fix: add the required field "docs""
    `);
  });

  it("missing nested field", () => {
    const edit = (f: Files) => {
      delete f[SITE].consent.lifetimeDays;
    };
    expectActionable(diagnosticsOf(edit), SITE, "consent.lifetimeDays");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/default.yaml at consent.lifetimeDays
          expected: number
          received: nothing (the field is missing)
          fix: add the required field "consent.lifetimeDays""
    `);
  });

  it("bad host pattern", () => {
    const edit = (f: Files) => {
      f[GA].hosts[2] = "https://*.google-analytics.com/";
    };
    expectActionable(diagnosticsOf(edit), GA, "hosts[2]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at hosts[2]
          expected: Invalid string: must match pattern /^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$/
          received: "https://*.google-analytics.com/"
          fix: write a lowercase host such as "www.example.com", or "*.example.com" for it and all subdomains"
    `);
  });

  it("upper-case host", () => {
    const edit = (f: Files) => {
      f[GA].hosts[0] = "WWW.googletagmanager.com";
    };
    expectActionable(diagnosticsOf(edit), GA, "hosts[0]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at hosts[0]
          expected: Invalid string: must match pattern /^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$/
          received: "WWW.googletagmanager.com"
          fix: write a lowercase host such as "www.example.com", or "*.example.com" for it and all subdomains"
    `);
  });

  it("bad URL rule (a scheme)", () => {
    const edit = (f: Files) => {
      f[GTM].urls[0] = "https://www.googletagmanager.com/gtm.js";
    };
    expectActionable(diagnosticsOf(edit), GTM, "urls[0]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml at urls[0]
          expected: Invalid string: must match pattern /^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\/[\\x21-\\x3e\\x40-\\x7e]*(\\?[A-Za-z0-9_.-]+=[\\x21-\\x7e]*)?$/
          received: "https://www.googletagmanager.com/gtm.js"
          fix: write a host and a path prefix such as "www.googletagmanager.com/gtm.js" (no scheme)"
    `);
  });

  it("bad cookie lifetime", () => {
    const edit = (f: Files) => {
      f[GA].cookies[0].lifetime = "2 years";
    };
    expectActionable(diagnosticsOf(edit), GA, "cookies[0].lifetime");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at cookies[0].lifetime
          expected: Invalid string: must match pattern /^(session|P(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+S)?)?)$/
          received: "2 years"
          fix: write an ISO 8601 duration such as "P2Y", "P13M", "P7D", "PT24H", or "session""
    `);
  });

  it("vendor purpose that does not exist", () => {
    const edit = (f: Files) => {
      f[GA].purpose = "statistics";
    };
    expectActionable(diagnosticsOf(edit), GA, "purpose");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at purpose
          expected: a declared purpose id
          received: "statistics"
          fix: use one of: necessary, functional, analytics, marketing, social"
    `);
  });

  it("vendor id that is not its file name", () => {
    const edit = (f: Files) => {
      f[GA].id = "ga4";
    };
    expectActionable(diagnosticsOf(edit), GA, "id");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-analytics.yaml at id
          expected: the file name, "google-analytics"
          received: "ga4"
          fix: set id: google-analytics, or rename the file"
    `);
  });

  it("tag patterns on a vendor of the required purpose", () => {
    const edit = (f: Files) => {
      f["policies/vendors/site.yaml"].inline = ["kevytTracker.init("];
    };
    expectActionable(diagnosticsOf(edit), "policies/vendors/site.yaml", "inline");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/site.yaml at inline
          expected: no tag patterns on a vendor of a required purpose (they could never be refused)
          received: 0 urls, 1 inline, 0 selectors
          fix: move the tags to a vendor with an optional purpose; a required vendor lists only hosts and cookies"
    `);
  });

  it("hosts on a vendor of the required purpose are the site's own CDNs, and allowed", () => {
    const files = shippedFiles();
    files["policies/vendors/site.yaml"].hosts = ["cdn.kevyt.example"];
    expect(loadPolicy(files as PolicyFiles).ok).toBe(true);
  });

  it("URL rules on a vendor of the required purpose (the most specific rule would shield a tag)", () => {
    const edit = (f: Files) => {
      f["policies/vendors/site.yaml"].urls = ["www.googletagmanager.com/gtag/js?id=AW-"];
    };
    const diagnostics = diagnosticsOf(edit);
    expect(diagnostics.map((d) => `${d.file} ${d.path}`)).toContain("policies/vendors/site.yaml urls");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 2 errors:
      - policies/vendors/site.yaml at urls
          expected: no tag patterns on a vendor of a required purpose (they could never be refused)
          received: 1 urls, 0 inline, 0 selectors
          fix: move the tags to a vendor with an optional purpose; a required vendor lists only hosts and cookies
      - policies/vendors/site.yaml at urls[0]
          expected: a URL rule no other vendor has
          received: "www.googletagmanager.com/gtag/js?id=AW-", also in policies/vendors/google-ads.yaml
          fix: keep the rule in the vendor it belongs to"
    `);
  });

  it("duplicate URL rule across vendors", () => {
    const edit = (f: Files) => {
      f[GA].urls.push("WWW.googletagmanager.com/gtm.js".toLowerCase());
    };
    expectActionable(diagnosticsOf(edit), GTM, "urls[0]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml at urls[0]
          expected: a URL rule no other vendor has
          received: "www.googletagmanager.com/gtm.js", also in policies/vendors/google-analytics.yaml
          fix: keep the rule in the vendor it belongs to"
    `);
  });

  it("a tag query pattern that would backtrack for super-linear time (ReDoS)", () => {
    const edit = (f: Files) => {
      f[GA].beacon.tag.query.id = "^(G-[A-Z0-9]+)+$";
      f[GA].beacon.tag.query.l = "^[a-z]+[a-z0-9]*$";
    };
    expectActionable(diagnosticsOf(edit), GA, /^beacon\.tag\.query\.(id|l)$/);
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 2 errors:
      - policies/vendors/google-analytics.yaml at beacon.tag.query.id
          expected: an anchored regular expression (^…$) of single characters and classes, at most one of them repeated a variable number of times, so it matches in linear time
          received: "^(G-[A-Z0-9]+)+$"
          fix: groups are not allowed; write e.g. "^G-[A-Z0-9]{4,20}$"
      - policies/vendors/google-analytics.yaml at beacon.tag.query.l
          expected: an anchored regular expression (^…$) of single characters and classes, at most one of them repeated a variable number of times, so it matches in linear time
          received: "^[a-z]+[a-z0-9]*$"
          fix: more than one part repeats a variable number of times; write e.g. "^G-[A-Z0-9]{4,20}$""
    `);
  });

  it("duplicate inline snippet, written differently", () => {
    const edit = (f: Files) => {
      f[GTM].inline.push('GTAG( "config", "G-');
    };
    expectActionable(diagnosticsOf(edit), GTM, "inline[3]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml at inline[3]
          expected: an inline snippet no other vendor has
          received: "GTAG( \\"config\\", \\"G-", also in policies/vendors/google-analytics.yaml
          fix: keep the snippet in the vendor it belongs to"
    `);
  });

  it("YAML parse error", () => {
    const edit = (f: Files) => {
      f[GTM] = { $parseError: "Map keys must be unique at line 12, column 1:" };
    };
    expectActionable(diagnosticsOf(edit), GTM, "");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml
          expected: a YAML document
          received: a file that does not parse: Map keys must be unique at line 12, column 1:
          fix: fix the YAML syntax at the line and column given"
    `);
  });

  it("missing purposes file", () => {
    const edit = (f: Files) => {
      delete f[PURPOSES];
    };
    expectActionable(diagnosticsOf(edit), PURPOSES, "");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/purposes.yaml
          expected: the purposes file
          received: no such file
          fix: create it with the closed list of purposes"
    `);
  });

  it("no required purpose", () => {
    const edit = (f: Files) => {
      f[PURPOSES].purposes[0].required = false;
    };
    const diagnostics = diagnosticsOf(edit);
    expect(diagnostics.map((d) => [d.file, d.path])).toContainEqual([PURPOSES, "purposes"]);
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/purposes.yaml at purposes
          expected: one purpose with required: true (strictly necessary)
          received: none
          fix: mark the strictly necessary purpose required: true"
    `);
  });

  it("duplicate purpose id", () => {
    const edit = (f: Files) => {
      f[PURPOSES].purposes[4].id = "marketing";
    };
    const diagnostics = diagnosticsOf(edit);
    expect(diagnostics.map((d) => [d.file, d.path])).toContainEqual([PURPOSES, "purposes[4].id"]);
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 6 errors:
      - policies/purposes.yaml at purposes[4].id
          expected: a purpose id used once
          received: "marketing"
          fix: give each purpose its own id
      - policies/sites/default.yaml at consent.sources[1].map.social
          expected: a declared purpose that is not required
          received: "social"
          fix: use one of the optional purposes: functional, analytics, marketing
      - policies/sites/default.yaml at consent.sources[2].map.social
          expected: a declared purpose that is not required
          received: "social"
          fix: use one of the optional purposes: functional, analytics, marketing
      - policies/sites/default.yaml at consent.sources[4].map.social
          expected: a declared purpose that is not required
          received: "social"
          fix: use one of the optional purposes: functional, analytics, marketing
      - policies/vendors/elfsight.yaml at purpose
          expected: a declared purpose id
          received: "social"
          fix: use one of: necessary, functional, analytics, marketing
      - policies/vendors/instagram.yaml at purpose
          expected: a declared purpose id
          received: "social"
          fix: use one of: necessary, functional, analytics, marketing"
    `);
  });

  it("gpc.refuses a required purpose", () => {
    const edit = (f: Files) => {
      f[SITE].gpc.refuses = ["marketing", "necessary"];
    };
    expectActionable(diagnosticsOf(edit), SITE, "gpc.refuses[1]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/default.yaml at gpc.refuses[1]
          expected: a purpose that is not required
          received: "necessary"
          fix: use one of the optional purposes: functional, analytics, marketing, social"
    `);
  });

  it("gpc.refuses a purpose that does not exist", () => {
    const edit = (f: Files) => {
      f[SITE].gpc.refuses = ["ads"];
    };
    expectActionable(diagnosticsOf(edit), SITE, "gpc.refuses[0]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/default.yaml at gpc.refuses[0]
          expected: a purpose that is not required
          received: "ads"
          fix: use one of the optional purposes: functional, analytics, marketing, social"
    `);
  });

  it("two sites claiming one host", () => {
    const edit = (f: Files) => {
      f["policies/sites/shop.yaml"] = { ...structuredClone(f[SITE]), id: "shop" };
    };
    expectActionable(diagnosticsOf(edit), "policies/sites/shop.yaml", "hosts[0]");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/shop.yaml at hosts[0]
          expected: a host no other site file claims
          received: "*", also claimed by policies/sites/default.yaml
          fix: keep the host in one site file only"
    `);
  });

  it("no site file", () => {
    const edit = (f: Files) => {
      delete f[SITE];
    };
    expectActionable(diagnosticsOf(edit), "policies/sites/", "");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/sites/
          expected: at least one site file
          received: none
          fix: add policies/sites/default.yaml with hosts: ["*"]"
    `);
  });

  it("a file in an unknown place", () => {
    const edit = (f: Files) => {
      f["policies/vendor/meta.yaml"] = f["policies/vendors/meta-pixel.yaml"];
    };
    expectActionable(diagnosticsOf(edit), "policies/vendor/meta.yaml", "");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendor/meta.yaml
          expected: policies/purposes.yaml, policies/sites/<id>.yaml or policies/vendors/<id>.yaml
          received: a file in an unknown place
          fix: move it into sites/ or vendors/, or delete it"
    `);
  });

  it("an empty file", () => {
    const edit = (f: Files) => {
      f[GTM] = null;
    };
    expectActionable(diagnosticsOf(edit), GTM, "");
    expect(render(edit)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/google-tag-manager.yaml
          expected: object
          received: null
          fix: write the file as a YAML mapping of the documented keys (key: value lines)"
    `);
  });

  it("several problems in several files are all reported at once", () => {
    const diagnostics = diagnosticsOf((f) => {
      f[GA].purpose = "statistics";
      f[GTM].hosts.push("not a host");
      f[SITE].consent.lifetimeDays = 0;
      f["policies/vendors/intercom.yaml"].cookies[0].lifetime = "forever";
      f["policies/vendors/meta-pixel.yaml"].colour = "blue";
      f["policies/vendors/meta-pixel.yaml"].size = 1;
    });
    expect(diagnostics.map((d) => `${d.file} ${d.path}`).sort()).toEqual(
      [
        "policies/vendors/intercom.yaml cookies[0].lifetime",
        "policies/vendors/meta-pixel.yaml ",
        `${SITE} consent.lifetimeDays`,
        `${GA} purpose`,
        `${GTM} hosts[2]`,
      ].sort(),
    );
  });
});

describe("activatePolicy fails closed", () => {
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    errors = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("on a policy that does not load", () => {
    const files = shippedFiles();
    files[GA].purpose = "statistics";
    const active = activatePolicy(files);
    expect(active.policy.failsafe).toBe(true);
    expect(active.diagnostics.map((d) => `${d.file} ${d.path}`)).toEqual([`${GA} purpose`]);
    expect([...active.policy.required]).toEqual(["necessary"]);
    // The site file still validates: its pages render, but it decides no consent.
    expect(active.policy.sites.map((s) => s.id)).toEqual(["default"]);
    expect(decide(active.policy, { host: "kevyt.example", headers: new Headers() }, 0).site).toBeUndefined();
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toContain(renderDiagnostics(active.diagnostics));
  });

  it.each([["div["], ["a:hover"], [">>"], ["div > "], ["p::before"]])(
    "on a vendor selector lol-html rejects: %s",
    (selector) => {
      const files = shippedFiles();
      files["policies/vendors/instagram.yaml"].selectors = ["blockquote.instagram-media", selector];
      expect(loadPolicy(files as PolicyFiles).ok).toBe(true); // only the runtime can tell
      const active = activatePolicy(files);
      expect(active.policy.failsafe).toBe(true);
      expectActionable(active.diagnostics, "policies/vendors/instagram.yaml", "selectors[1]");
      expect(active.diagnostics).toHaveLength(1);
      expect(active.diagnostics[0]?.received.startsWith(`${JSON.stringify(selector)} (lol-html: `)).toBe(true);
    },
  );

  it.each([["div:not(footer div)"], ["div:not(main > div)"], ['[class*="elfsight-app-"]:not(.x ~ .y)']])(
    "on a vendor selector lol-html accepts but never matches: %s",
    (selector) => {
      const files = shippedFiles();
      files["policies/vendors/elfsight.yaml"].selectors = [selector];
      // Pure: npm run policy:check refuses it too, not only the runtime.
      expect(loadPolicy(files as PolicyFiles).ok).toBe(false);
      const active = activatePolicy(files);
      expect(active.policy.failsafe).toBe(true);
      expectActionable(active.diagnostics, "policies/vendors/elfsight.yaml", "selectors[0]");
      expect(active.diagnostics).toHaveLength(1);
    },
  );

  it("renders the never-matching selector diagnostic", () => {
    const files = shippedFiles();
    files["policies/vendors/elfsight.yaml"].selectors = ['[class*="elfsight-app-"]:not(footer div)'];
    expect(renderDiagnostics(activatePolicy(files).diagnostics)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/elfsight.yaml at selectors[0]
          expected: a selector lol-html can match (it accepts this one and then matches nothing)
          received: "[class*=\\"elfsight-app-\\"]:not(footer div)"
          fix: a combinator inside :not(footer div): keep :not() to simple selectors (tag, .class, #id, [attr]), e.g. div:not(.consented)"
    `);
  });

  it("renders the selector diagnostic", () => {
    const files = shippedFiles();
    files["policies/vendors/elfsight.yaml"].selectors = [".elfsight-widget", "div["];
    expect(renderDiagnostics(activatePolicy(files).diagnostics)).toMatchInlineSnapshot(`
      "policy has 1 error:
      - policies/vendors/elfsight.yaml at selectors[1]
          expected: a CSS selector lol-html supports
          received: "div[" (lol-html: Unexpected end of selector.)
          fix: close what is open: an attribute selector is [attr], [attr=value] or [attr*="value"], and a class needs a name (.feed)"
    `);
  });

  it("names the right index when a bad selector repeats", () => {
    const files = shippedFiles();
    files["policies/vendors/elfsight.yaml"].selectors = ["div[", ".ok", "div["];
    expect(activatePolicy(files).diagnostics.map((d) => d.path)).toEqual(["selectors[0]", "selectors[2]"]);
  });

  it("the failsafe refuses every vendor and keeps their inline snippets", () => {
    const files = shippedFiles();
    files[SITE].hosts = [];
    const { policy } = activatePolicy(files);
    expect(policy.failsafe).toBe(true);
    const decision = decide(policy, { host: "kevyt.example", headers: new Headers() }, 0);
    expect(decision.basis).toBe("failsafe");
    expect(decision.refused.length).toBe(policy.vendors.length);
    expect(decision.refused.every(Boolean)).toBe(true);
    expect(policy.inline.length).toBeGreaterThan(10);
  });
});
