/**
 * The allowed-source list behind the CSP: path-scoped sources for vendor rules on shared hosts
 * (a vendor's npm package on a public CDN allows that package's path, not the CDN), refused
 * vendors' hosts left out, and `default-src` gating what has no directive of its own.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../../src/consent/decide";
import { buildCsp } from "../../src/csp/header";
import { parsePolicy } from "../../src/csp/parse";
import { allowedSources, cspPath, serializeSource, sourcePattern } from "../../src/csp/sources";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, NOW, SHIPPED, shippedFiles } from "../helpers/gate";

const ALL = ["functional", "analytics", "marketing", "social"];

function cspFor(purposes: string[], files = SHIPPED) {
  const { policy } = activatePolicy(files);
  const decision = decide(
    policy,
    { host: "kevyt.example", headers: new Headers({ cookie: consentCookie(purposes) }) },
    NOW,
  );
  return parsePolicy(buildCsp(allowedSources(policy, decision)));
}

describe("sourcePattern and serializeSource", () => {
  it.each<[string, string[]]>([
    ["cdn.jsdelivr.net/npm/@intercom/", ["https://cdn.jsdelivr.net/npm/@intercom/"]],
    ["*.example.com", ["https://example.com", "https://*.example.com"]],
    [
      "www.googletagmanager.com/gtag/js?id=AW-",
      ["https://www.googletagmanager.com/gtag/js", "https://www.googletagmanager.com/gtag/js/"],
    ],
    ["facebook.com/tr", ["https://facebook.com/tr", "https://facebook.com/tr/"]],
    ["x.example/", ["https://x.example"]],
    ["*.x.example/p/", ["https://x.example/p/", "https://*.x.example/p/"]],
  ])("%s", (written, expected) => {
    expect(serializeSource(sourcePattern(written), ["https:"])).toEqual(expected);
  });

  it("percent-encodes what would end a source expression or is not a path character", () => {
    expect(cspPath("/a;b,c d'e\"f/%2F/%zz/ä")).toBe("/a%3Bb%2Cc%20d%27e%22f/%2F/%25zz/%C3%A4");
    expect(cspPath("/npm/@intercom/messenger-js-sdk@0.0.14/")).toBe("/npm/@intercom/messenger-js-sdk@0.0.14/");
  });
});

describe("with the shipped policy", () => {
  it("functional allowed: Intercom's npm package path on each CDN, never the whole CDN", () => {
    const csp = cspFor(["functional"]);
    const scripts = csp.get("script-src") ?? [];
    expect(scripts).toEqual(
      expect.arrayContaining([
        "https://cdn.jsdelivr.net/npm/@intercom/",
        "https://unpkg.com/@intercom/",
        "https://esm.sh/@intercom/",
      ]),
    );
    for (const [name, tokens] of csp)
      for (const cdn of ["https://cdn.jsdelivr.net", "https://unpkg.com", "https://esm.sh"])
        expect(tokens, `${name} allows all of ${cdn}`).not.toContain(cdn);
  });

  it("functional refused: no Intercom path either", () => {
    const header = [...cspFor(["analytics"]).values()].flat().join(" ");
    expect(header).not.toContain("@intercom");
    expect(header).not.toContain("intercom.io");
  });

  it("default-src carries the allowed list; directives that would repeat it are left out", () => {
    const csp = cspFor(ALL);
    const fallback = csp.get("default-src") ?? [];
    expect(fallback[0]).toBe("'self'");
    expect(fallback).toContain("https://*.intercom.io");
    expect(csp.has("frame-src")).toBe(false);
    expect(csp.get("media-src")).toEqual(["'self'", "data:", "blob:", ...fallback.slice(1)]);
    expect(csp.get("worker-src")).toEqual(["'self'", "blob:", ...fallback.slice(1)]);
  });

  it("a refused vendor's claimed host stays out even where an allowed vendor names a path on it", () => {
    // Marketing allowed, analytics refused: Google Ads' gtag/js?id=AW- rule is on
    // www.googletagmanager.com, which Google Analytics (refused) claims outright.
    const header = [...cspFor(["marketing"], withoutGtm()).values()].flat().join(" ");
    expect(header).not.toContain("googletagmanager.com");
    expect(header).toContain("https://www.google.com/pagead/");
  });

  it("a path on a host an allowed vendor claims whole is not listed twice", () => {
    const files = shippedFiles();
    files["policies/vendors/site.yaml"].hosts = ["cdn.jsdelivr.net"];
    const scripts = cspFor(["functional"], files).get("script-src") ?? [];
    expect(scripts).toContain("https://cdn.jsdelivr.net");
    expect(scripts).not.toContain("https://cdn.jsdelivr.net/npm/@intercom/");
  });
});

/** The shipped policy without the GTM vendor, so marketing can be allowed without its hosts. */
function withoutGtm() {
  const files = shippedFiles();
  delete files["policies/vendors/google-tag-manager.yaml"];
  for (const site of Object.keys(files).filter((f) => f.startsWith("policies/sites/")))
    files[site].googleConsentMode.vendors = files[site].googleConsentMode.vendors.filter(
      (v: string) => v !== "google-tag-manager",
    );
  return files;
}
