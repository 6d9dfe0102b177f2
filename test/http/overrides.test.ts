/**
 * Per-environment overrides: GK_MODE and GK_CSP_MODE (wrangler vars) replace the policy's `mode`
 * and `csp.mode`, so one commit runs in shadow on staging and enforced in production. Health
 * reports the effective values; a value that is not allowed is ignored and reported.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { activatePolicy } from "../../src/policy/active";
import { readOverrides } from "../../src/policy/overrides";
import { html, NOW, SHIPPED, SITE } from "../helpers/gate";

const PAGE =
  '<html><head><script async src="https://www.googletagmanager.com/gtm.js?id=GTM-TEST"></script></head><body><p>x</p></body></html>';

function gate(vars: Record<string, unknown>) {
  const app = createApp({ policy: activatePolicy(SHIPPED), now: () => NOW, vars, fetch: async () => html(PAGE) });
  return (path: string) =>
    app.request(new Request(new URL(path, SITE)), undefined, { ORIGIN: "https://origin.internal" });
}

async function health(vars: Record<string, unknown>) {
  const res = await gate(vars)("/__gk/health");
  return { status: res.status, body: (await res.json()) as { policy: Record<string, unknown>; warnings?: string[] } };
}

describe("GK_MODE", () => {
  it("unset or empty: the policy's mode (enforce) removes the tag", async () => {
    for (const vars of [{}, { GK_MODE: "" }]) {
      const page = await (await gate(vars)("/")).text();
      expect(page).not.toContain("googletagmanager");
      expect((await health(vars)).body.policy.mode).toBe("enforce");
    }
  });

  it("shadow: the page passes unchanged, and health says shadow", async () => {
    const page = await (await gate({ GK_MODE: "shadow" })("/")).text();
    expect(page).toContain("https://www.googletagmanager.com/gtm.js?id=GTM-TEST");
    const h = await health({ GK_MODE: "shadow" });
    expect(h.status).toBe(200);
    expect(h.body.policy).toMatchObject({ mode: "shadow", cspMode: "report-only" });
    expect(h.body.warnings).toBeUndefined();
  });

  it("a value not allowed is ignored (the policy's enforce applies) and reported as a warning", async () => {
    const page = await (await gate({ GK_MODE: "shdow" })("/")).text();
    expect(page).not.toContain("googletagmanager");
    const h = await health({ GK_MODE: "shdow" });
    expect(h.status).toBe(200);
    expect(h.body.policy.mode).toBe("enforce");
    expect(h.body.warnings).toEqual([
      'GK_MODE: expected one of enforce, shadow (or empty), received "shdow"; ignored, the policy\'s own value applies',
    ]);
  });
});

describe("GK_CSP_MODE", () => {
  it.each([
    ["enforce", "content-security-policy", "content-security-policy-report-only"],
    ["report-only", "content-security-policy-report-only", "content-security-policy"],
  ])("%s: the CSP goes in %s", async (mode, present, absent) => {
    const res = await gate({ GK_CSP_MODE: mode })("/");
    expect(res.headers.get(present)).toContain("script-src");
    expect(res.headers.get(absent)).toBeNull();
    expect((await health({ GK_CSP_MODE: mode })).body.policy.cspMode).toBe(mode);
  });

  it("off: no CSP", async () => {
    const res = await gate({ GK_CSP_MODE: "off" })("/");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("content-security-policy-report-only")).toBeNull();
  });

  it("a value not allowed is ignored and reported", async () => {
    const res = await gate({ GK_CSP_MODE: "block" })("/");
    expect(res.headers.get("content-security-policy-report-only")).toContain("script-src");
    const h = await health({ GK_CSP_MODE: "block", GK_MODE: "Shadow " });
    expect(h.body.policy).toMatchObject({ mode: "shadow", cspMode: "report-only" });
    expect(h.body.warnings).toHaveLength(1);
    expect(h.body.warnings?.[0]).toMatch(/^GK_CSP_MODE: expected one of enforce, report-only, off/);
  });
});

describe("readOverrides", () => {
  it("never throws on what a var can hold", () => {
    for (const value of [undefined, null, "", " ", 1, {}, [], "ENFORCE", "report_only"])
      expect(() => readOverrides({ GK_MODE: value, GK_CSP_MODE: value })).not.toThrow();
    expect(readOverrides({ GK_CSP_MODE: "REPORT-ONLY" }).cspMode).toBe("report-only");
    expect(readOverrides({ GK_MODE: " " }).problems).toHaveLength(1);
  });
});
