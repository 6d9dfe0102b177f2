/**
 * IAB TCF v2.2 `euconsent-v2` adapter, decoded by @iabtcf/core inside workerd: real strings from
 * ./fixtures.ts (sources cited there) and exact combinations encoded by the same library.
 */
import { RestrictionType } from "@iabtcf/core";
import { describe, expect, it } from "vitest";
import { decodeTcString, readTcfSource } from "../../../src/consent/sources/tcf";
import { TCF } from "./fixtures";
import { context, shippedSource } from "./shipped";
import { tcString } from "./tcf-strings";

const shipped = shippedSource("tcf");
const NOW = 1_764_441_600;
const read = (value: string, at = NOW) => readTcfSource(shipped, context(`euconsent-v2=${value}`, at));
const DAY = 86400;

describe("@iabtcf/core inside workerd", () => {
  it("decodes a live TCF v2.2 string: version, policy version, purposes and vendors", () => {
    const model = decodeTcString(TCF.acceptAll.value);
    expect(model).not.toBeNull();
    expect(Number(model?.version)).toBe(2);
    expect(Number(model?.policyVersion)).toBe(5);
    expect(model?.isServiceSpecific).toBe(true);
    expect(model?.lastUpdated.toISOString()).toBe("2026-02-16T00:00:00.000Z");
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].every((p) => model?.purposeConsents.has(p))).toBe(true);
    expect(model?.vendorConsents.has(755)).toBe(true);
    expect(model?.vendorConsents.has(804)).toBe(true);
  });
  it("round-trips a string it encoded", () => {
    const s = tcString({ purposes: [1, 8, 9], vendors: [755], updated: NOW - DAY });
    const model = decodeTcString(s);
    expect([...(model?.purposeConsents ?? [])].filter(([, on]) => on).map(([id]) => id)).toEqual([1, 8, 9]);
  });
});

describe("TCF under the test site's mapping (analytics: 1, 8, 9 + vendor 755; marketing: 1, 2, 3, 4, 7 + 755, 804)", () => {
  it.each([
    [
      "live accept all (infojobs.net)",
      TCF.acceptAll.value,
      TCF.acceptAll.at,
      { state: "valid", purposes: ["analytics", "marketing"] },
    ],
    [
      "live reject all with publisher restrictions",
      TCF.rejectAll.value,
      TCF.rejectAll.at,
      { state: "valid", purposes: [] },
    ],
    ["live reject all", TCF.rejectAllPlain.value, TCF.rejectAllPlain.at, { state: "valid", purposes: [] }],
  ])("%s", (_name, value, at, expected) => {
    expect(read(value, at)).toEqual(expected);
  });

  it.each([
    ["iabtcf-java README (TCF v2.0)", TCF.iabtcfJava],
    ["GDPR::IAB::TCFv2 SYNOPSIS (TCF v2.0)", TCF.metacpan],
  ])("%s: older than v2.2 (or global scope), outdated", (_name, value) => {
    expect(read(value)).toMatchObject({ state: "outdated" });
  });

  it.each([
    ["purposes 1, 8, 9 and Google", { purposes: [1, 8, 9], vendors: [755] }, ["analytics"]],
    [
      "every purpose, Google and LinkedIn",
      { purposes: [1, 2, 3, 4, 7, 8, 9], vendors: [755, 804] },
      ["analytics", "marketing"],
    ],
    ["every purpose, Google only", { purposes: [1, 2, 3, 4, 7, 8, 9], vendors: [755] }, ["analytics"]],
    ["every purpose, no vendor", { purposes: [1, 2, 3, 4, 7, 8, 9], vendors: [] }, []],
    ["no purpose 1 (storage)", { purposes: [2, 3, 4, 7, 8, 9], vendors: [755, 804] }, []],
    [
      "measurement on legitimate interest only",
      { purposes: [1], legitimateInterests: [7, 8, 9], vendors: [755, 804] },
      [],
    ],
    [
      "Google forbidden purpose 1 by the publisher",
      {
        purposes: [1, 2, 3, 4, 7, 8, 9],
        vendors: [755, 804],
        restrictions: [{ vendor: 755, purpose: 1, type: RestrictionType.NOT_ALLOWED }],
      },
      [],
    ],
    [
      "the publisher requiring legitimate interest for purpose 8",
      {
        purposes: [1, 2, 3, 4, 7, 8, 9],
        vendors: [755, 804],
        restrictions: [{ vendor: 755, purpose: 8, type: RestrictionType.REQUIRE_LI }],
      },
      ["marketing"],
    ],
    [
      "the publisher requiring consent (which it has)",
      {
        purposes: [1, 2, 3, 4, 7, 8, 9],
        vendors: [755, 804],
        restrictions: [{ vendor: 755, purpose: 8, type: RestrictionType.REQUIRE_CONSENT }],
      },
      ["analytics", "marketing"],
    ],
  ])("%s", (_name, options, purposes) => {
    expect(read(tcString({ ...options, updated: NOW - DAY }))).toEqual({ state: "valid", purposes });
  });

  it("never allows functional or social: TCF has no purpose for a chat widget or a social feed", () => {
    const all = tcString({ purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], vendors: [755, 804], updated: NOW - DAY });
    expect(read(all)).toEqual({ state: "valid", purposes: ["analytics", "marketing"] });
  });

  it("is outdated when older than the consent lifetime, over a day ahead, of an older policy or global scope", () => {
    const full = { purposes: [1, 8, 9], vendors: [755] };
    expect(read(tcString({ ...full, updated: NOW - 366 * DAY }))).toMatchObject({ state: "outdated" });
    expect(read(tcString({ ...full, updated: NOW + 3 * DAY }))).toMatchObject({ state: "outdated" });
    expect(read(tcString({ ...full, updated: NOW - DAY, policyVersion: 3 }))).toMatchObject({ state: "outdated" });
    expect(read(tcString({ ...full, updated: NOW - DAY, serviceSpecific: false }))).toMatchObject({
      state: "outdated",
    });
    expect(read(TCF.acceptAll.value, NOW)).toMatchObject({ state: "outdated" });
  });

  it.each([
    ["absent", "other=1", { state: "absent" }],
    [
      "duplicated",
      `euconsent-v2=${TCF.rejectAllPlain.value}; euconsent-v2=${TCF.rejectAll.value}`,
      { state: "invalid", reason: "duplicate" },
    ],
    ["truncated", `euconsent-v2=${TCF.acceptAll.value.slice(0, 60)}`, { state: "invalid" }],
    ["not base64url", "euconsent-v2=CQft6wAQft6wAAHABBENCSFsAP+gAEPgAAiQL/NR", { state: "invalid" }],
    ["a publisher segment only", "euconsent-v2=YAAAAAAAAAAA", { state: "invalid" }],
    ["an empty segment", `euconsent-v2=${TCF.rejectAllPlain.value.replace(".", "..")}`, { state: "invalid" }],
    ["TCF v1 (the v1.1 specification's example)", `euconsent-v2=${TCF.v1}`, { state: "invalid" }],
  ])("%s: never trusted", (_name, header, expected) => {
    expect(readTcfSource(shipped, context(header, NOW))).toMatchObject(expected);
  });
});
