import { describe, expect, it } from "vitest";
import { loadPolicy } from "../../src/policy/load";
import { shippedFiles } from "../helpers/gate";

describe("references from the consent experience's policy fields", () => {
  it("Consent Mode names existing vendors and purposes", () => {
    const files = shippedFiles();
    const mode = files["policies/sites/default.yaml"].googleConsentMode;
    mode.vendors.push("google-analytcs");
    mode.signals.ad_storage = ["marketing", "ads"];
    const result = loadPolicy(files);
    expect(result.ok).toBe(false);
    const found = result.ok ? [] : result.diagnostics.map((d) => `${d.file} ${d.path}: ${d.received}`);
    expect(found).toEqual([
      'policies/sites/default.yaml googleConsentMode.vendors[3]: "google-analytcs"',
      'policies/sites/default.yaml googleConsentMode.signals.ad_storage[1]: "ads"',
    ]);
  });
  it("a selector placeholder needs selectors", () => {
    const files = shippedFiles();
    files["policies/vendors/intercom.yaml"].placeholder.at = "selector";
    const result = loadPolicy(files);
    expect(result.ok ? [] : result.diagnostics.map((d) => `${d.file} ${d.path}`)).toEqual([
      "policies/vendors/intercom.yaml placeholder.at",
    ]);
  });
  it("every language has every text", () => {
    const files = shippedFiles();
    delete files["policies/sites/default.yaml"].ui.texts.sv.rejectAll;
    const result = loadPolicy(files);
    expect(result.ok ? [] : result.diagnostics.map((d) => `${d.path} ${d.fix}`)).toEqual([
      'ui.texts.sv.rejectAll add the required field "ui.texts.sv.rejectAll"',
    ]);
  });
});
