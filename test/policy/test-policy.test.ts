import { describe, expect, it } from "vitest";
import { activatePolicy } from "../../src/policy/active";
import { renderDiagnostics } from "../../src/policy/diagnostics";
import { loadPolicy } from "../../src/policy/load";
import { SHIPPED } from "../helpers/gate";

const VENDOR_DIR = "policies/vendors/";

describe("the test policy", () => {
  const loaded = loadPolicy(SHIPPED);

  it("loads with zero diagnostics", () => {
    expect(loaded.ok ? [] : renderDiagnostics(loaded.diagnostics)).toEqual([]);
    expect(loaded.ok).toBe(true);
  });

  it("activates without failing closed (selectors included)", () => {
    const active = activatePolicy(SHIPPED);
    expect(active.diagnostics).toEqual([]);
    expect(active.policy.failsafe).toBe(false);
  });

  it("holds the purposes of the contract, with only necessary required", () => {
    if (!loaded.ok) throw new Error("policy did not load");
    expect(loaded.policy.purposes.map((p) => [p.id, p.required])).toEqual([
      ["necessary", true],
      ["functional", false],
      ["analytics", false],
      ["marketing", false],
      ["social", false],
    ]);
  });

  it("maps the contract's vendors to the contract's purposes", () => {
    if (!loaded.ok) throw new Error("policy did not load");
    const purposeOf = Object.fromEntries(loaded.policy.vendors.map((v) => [v.id, v.purpose]));
    expect(purposeOf).toMatchObject({
      site: "necessary",
      intercom: "functional",
      "google-analytics": "analytics",
      "google-tag-manager": "marketing",
      elfsight: "social",
    });
  });

  it("has one site claiming every host, with GPC refusing marketing", () => {
    if (!loaded.ok) throw new Error("policy did not load");
    expect(loaded.policy.sites).toHaveLength(1);
    const [site] = loaded.policy.sites;
    expect(site?.hosts).toEqual(["*"]);
    expect(site?.consent.cookie).toBe("gk_consent");
    expect(site?.gpc).toEqual({ honour: true, refuses: ["marketing"] });
  });

  const vendorFiles = Object.entries(SHIPPED).filter(([file]) => file.startsWith(VENDOR_DIR));

  it("has vendor files", () => {
    expect(vendorFiles.length).toBeGreaterThanOrEqual(5);
  });

  it.each(vendorFiles)("%s: id is the file name", (file, data) => {
    expect((data as { id: string }).id).toBe(file.slice(VENDOR_DIR.length).replace(/\.ya?ml$/, ""));
  });

  it.each(vendorFiles)("%s: https docs, and a tag pattern unless necessary", (_, data) => {
    const v = data as { purpose: string; docs: string; hosts?: string[]; urls?: string[]; inline?: string[] };
    expect(v.docs).toMatch(/^https:\/\/\S+$/);
    const patterns = (v.hosts?.length ?? 0) + (v.urls?.length ?? 0) + (v.inline?.length ?? 0);
    if (v.purpose === "necessary") expect(patterns).toBe(0);
    else expect(patterns).toBeGreaterThan(0);
  });

  it("only has files in the three known places", () => {
    for (const file of Object.keys(SHIPPED))
      expect(file).toMatch(/^policies\/(purposes\.yaml|sites\/[a-z0-9-]+\.yaml|vendors\/[a-z0-9-]+\.yaml)$/);
  });
});
