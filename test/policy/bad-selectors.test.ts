/**
 * A vendor selector lol-html rejects never takes the site down. Each class of selector the
 * runtime's HTMLRewriter refuses (asked of workerd itself, below) is reported with lol-html's own
 * reason and a fix, and the worker then fails closed and keeps serving: pages answer 200 with
 * every vendor and every other third party removed, the visitor's own pages render, and
 * /__gk/health names the problem.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { activatePolicy } from "../../src/policy/active";
import { loadPolicy, type PolicyFiles } from "../../src/policy/load";
import { lolHtmlSelectorError } from "../../src/policy/selector-check";
import { html, makeGate, shippedFiles } from "../helpers/gate";
import { vendorContacts } from "../helpers/vendor-oracle";

/** One of each class of selector lol-html refuses, with the start of its reason. */
const BAD: Array<[string, string]> = [
  ["div::before", "Unsupported pseudo-class or pseudo-element"],
  ["::selection", "Unsupported pseudo-class or pseudo-element"],
  ["a:hover", "Unsupported pseudo-class or pseudo-element"],
  ["div:has(iframe)", "Unsupported pseudo-class or pseudo-element"],
  ["p:last-child", "Unsupported pseudo-class or pseudo-element"],
  ["#hj-widget >", "Dangling combinator"],
  ["div ~", "Dangling combinator"],
  ["div >> p", "Dangling combinator"],
  ["> div", "The selector is empty"],
  ["   ", "The selector is empty"],
  ["div,", "The selector is empty"],
  ["#1a", "The selector is empty"],
  ["div[", "Unexpected end of selector"],
  ["[data-x~=]", "Unexpected end of selector"],
  ["div..feed", "Invalid or unescaped class name"],
  ["svg|rect", "Selectors with explicit namespaces are not supported"],
  ["div)", "Unexpected token"],
  ["div || p", "Unexpected token"],
];

const VENDOR = "policies/vendors/instagram.yaml";

function withSelector(selector: string) {
  const files = shippedFiles();
  files[VENDOR].selectors = ["blockquote.instagram-media", selector];
  return files as PolicyFiles;
}

const PAGE = `<!doctype html><html><head>
<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-TEST"></script>
<link rel="preconnect" href="https://widgets.unknown-vendor.example">
<script src="/app.js"></script></head><body>
<h1>Laina</h1>
<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/"></blockquote>
<div class="elfsight-app-0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"></div>
<img src="https://pixel.unknown-vendor.example/p.gif" alt="">
<img src="/logo.png" alt="logo">
</body></html>`;

describe("a selector lol-html rejects", () => {
  beforeEach(() => {
    vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(BAD)("the runtime refuses %j: %s", (selector, reason) => {
    expect(lolHtmlSelectorError(selector)).toMatch(new RegExp(`^${reason}`));
  });

  it.each(BAD)("%j: reported with lol-html's reason, the index and a fix", (selector, reason) => {
    const files = withSelector(selector);
    // The schema cannot tell: only the runtime's own parser can.
    expect(loadPolicy(files).ok).toBe(true);
    const active = activatePolicy(files);
    expect(active.policy.failsafe).toBe(true);
    expect(active.diagnostics).toEqual([
      {
        file: VENDOR,
        path: "selectors[1]",
        expected: "a CSS selector lol-html supports",
        received: expect.stringContaining(`${JSON.stringify(selector)} (lol-html: ${reason}`),
        fix: expect.stringMatching(/.{30,}/),
      },
    ]);
    // The bad selector is dropped; the vendor's good one stays.
    expect(active.policy.selectors.map((s) => s.selector)).toContain("blockquote.instagram-media");
    expect(active.policy.selectors.map((s) => s.selector)).not.toContain(selector);
  });

  it.each(BAD)("%j: pages 200 with every third party removed; health says why", async (selector) => {
    const gate = makeGate(() => html(PAGE), withSelector(selector));
    const res = await gate.request("/laina");
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("<h1>Laina</h1>");
    expect(body).toContain('<script src="/app.js"></script>');
    expect(body).toContain('<img src="/logo.png" alt="logo">');
    expect(body).not.toContain("googletagmanager");
    expect(body).not.toContain("unknown-vendor.example");
    expect(body).not.toContain("instagram-media");
    expect(body).not.toContain("elfsight-app-");
    expect(vendorContacts(body, new URL("https://kevyt.example/laina"))).toEqual([]);

    const health = await gate.request("/__gk/health");
    expect(health.status).toBe(503);
    const report = (await health.json()) as { status: string; problems: string[] };
    expect(report.status).toBe("failsafe");
    expect(report.problems).toEqual([expect.stringContaining(`${VENDOR} at selectors[1]`)]);

    const preferences = await gate.request("/__gk/preferences");
    expect(preferences.status).toBe(200);
    expect(await preferences.text()).toContain("<form");
  });
});
