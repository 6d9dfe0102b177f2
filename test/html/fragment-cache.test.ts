/**
 * Filtered noscript and srcdoc fragments are kept per policy (src/html/fragments.ts), because a
 * site's noscript blocks repeat on every page. A kept result must be exactly what filtering
 * would give for that decision and place, and its removals must still be reported each time.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../../src/consent/decide";
import type { Removal } from "../../src/html/plan";
import { rewriteHtml } from "../../src/html/rewriter";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, html, NOW, SHIPPED, SITE } from "../helpers/gate";

// Google's GTM body snippet: https://developers.google.com/tag-platform/tag-manager/web
const NOSCRIPT =
  '<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-DEMO123" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>';

const { policy } = activatePolicy(SHIPPED);

async function run(page: string, opts: { cookie?: string; pageUrl?: string; observe?: boolean } = {}) {
  const headers = new Headers(opts.cookie ? { cookie: opts.cookie } : {});
  const decision = decide(policy, { host: "kevyt.example", headers }, NOW);
  const removals: Removal[] = [];
  const observed: string[] = [];
  const res = rewriteHtml(html(page), {
    policy,
    decision,
    pageUrl: new URL(opts.pageUrl ?? SITE),
    inlineLimit: 1 << 20,
    onRemoved: (r) => removals.push(r),
    observe: opts.observe ? (o) => observed.push(o.target) : undefined,
  });
  return { text: await res.text(), removals, observed };
}

describe("fragment cache", () => {
  it("gives the same page and reports the same removals on every request", async () => {
    const page = `<body>${NOSCRIPT}<p>x</p></body>`;
    const first = await run(page);
    const second = await run(page);
    expect(first.text).not.toContain("googletagmanager");
    expect(second.text).toBe(first.text);
    expect(first.removals).toEqual([
      { vendor: "google-tag-manager", kind: "element", tag: "iframe" },
      { vendor: "noscript", kind: "noscript", tag: "noscript" },
    ]);
    expect(second.removals).toEqual(first.removals);
  });

  it("does not hand one decision's result to another", async () => {
    const page = `<body>${NOSCRIPT}</body>`;
    expect((await run(page)).text).not.toContain("googletagmanager");
    const allowed = await run(page, { cookie: consentCookie(["necessary", "marketing"]) });
    expect(allowed.text).toContain("https://www.googletagmanager.com/ns.html?id=GTM-DEMO123");
    expect((await run(page)).text).not.toContain("googletagmanager");
  });

  it("keys on the base URL: a relative URL on another page host is judged again", async () => {
    const page = `<body><noscript><img src="//www.googletagmanager.com/x.gif"><img src="/pixel.gif"></noscript></body>`;
    const own = await run(page);
    expect(own.text).not.toContain("googletagmanager");
    expect(own.text).toContain('<img src="/pixel.gif">');
    // Served from the vendor's own host, "/pixel.gif" is the vendor's too.
    const onVendorHost = await run(page, { pageUrl: "https://www.googletagmanager.com/" });
    expect(onVendorHost.text).not.toContain("pixel.gif");
  });

  it("still shows every element to an observer (audit, shadow mode)", async () => {
    const page = `<body>${NOSCRIPT}</body>`;
    await run(page);
    const watched = await run(page, { observe: true });
    expect(watched.observed).toContain("www.googletagmanager.com");
  });
});
