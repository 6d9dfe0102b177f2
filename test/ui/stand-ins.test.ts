/**
 * Stand-ins for refused vendors' globals (src/ui/stand-ins.ts): which globals, and the one
 * script that defines them. That the script keeps site code running in a real browser, and
 * sends nothing, is test/browser/stand-ins.test.ts.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../../src/consent/decide";
import { activatePolicy } from "../../src/policy/active";
import { renderStandIns, standInsFor } from "../../src/ui/stand-ins";
import { consentCookie, html, makeGate, NOW, SHIPPED } from "../helpers/gate";

const { policy } = activatePolicy(SHIPPED);
const decisionFor = (purposes: string[]) =>
  decide(policy, { host: "kevyt.example", headers: new Headers({ cookie: consentCookie(purposes) }) }, NOW);

describe("standInsFor", () => {
  it("stands in for every refused vendor's globals, each once", () => {
    expect(standInsFor(policy, decisionFor([]))).toEqual({
      arrays: ["dataLayer", "_linkedin_data_partner_ids"],
      queues: ["gtag", "ga", "Intercom", "lintrk", "fbq", "_fbq"],
    });
  });

  it("leaves alone a global an allowed vendor declares: its own snippet defines it", () => {
    expect(standInsFor(policy, decisionFor(["analytics"]))).toEqual({
      arrays: ["_linkedin_data_partner_ids"],
      queues: ["Intercom", "lintrk", "fbq", "_fbq"],
    });
    expect(standInsFor(policy, decisionFor(["functional", "analytics", "marketing", "social"]))).toEqual({
      arrays: [],
      queues: [],
    });
  });
});

describe("the stand-in script", () => {
  it("defines only what is undefined, carries the page's nonce, and names no URL", () => {
    const script = renderStandIns({ arrays: ["dataLayer"], queues: ["fbq"] }, "n0nce");
    expect(script).toBe(
      `<script data-gatekeeper nonce="n0nce">(function(w,a,f){a.forEach(function(n){w[n]=w[n]||[]});f.forEach(function(n){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)}})})(window,["dataLayer"],["fbq"]);</script>`,
    );
    expect(script).not.toMatch(/https?:|\/\/|fetch|XMLHttpRequest|sendBeacon|Image/);
    expect(renderStandIns({ arrays: [], queues: [] }, undefined)).toBe("");
  });

  it("is injected once, before the page's first script, without consent", async () => {
    const page = `<html><head><script src="/app.js"></script></head><body><script>dataLayer.push({})</script></body></html>`;
    const { request } = makeGate(() => html(page));
    const out = await (await request("/")).text();
    expect(out.match(/\(function\(w,a,f\)/g)).toHaveLength(1);
    expect(out.indexOf("(function(w,a,f)")).toBeLessThan(out.indexOf('<script src="/app.js">'));
    const all = await (
      await request("/", { headers: { cookie: consentCookie(["functional", "analytics", "marketing", "social"]) } })
    ).text();
    expect(all).not.toContain("(function(w,a,f)");
  });
});
