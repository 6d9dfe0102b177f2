/** OneTrust `OptanonConsent` adapter, on the values in ./fixtures.ts (sources cited there). */
import { describe, expect, it } from "vitest";
import { parseOneTrustGroups, readOneTrustSource } from "../../../src/consent/sources/onetrust";
import { ONETRUST, oneTrustValue } from "./fixtures";
import { context, shippedSource } from "./shipped";

const shipped = shippedSource("onetrust");
const lenient = { ...shipped, requireInteraction: false };
const read = (header: string, at: number, source = shipped) => readOneTrustSource(source, context(header, at));
const withBox = (value: string, closed: string) => `OptanonConsent=${value}; OptanonAlertBoxClosed=${closed}`;

describe("OneTrust OptanonConsent under the test site's mapping", () => {
  it("the commercetools README value: C0002 (performance) refused, the rest granted", () => {
    const v = ONETRUST.commercetools;
    // Chosen in the banner (interactionCount=1) and closed the same day.
    expect(read(withBox(v.value, "2023-02-01T11:35:40.000Z"), v.at)).toEqual({
      state: "valid",
      purposes: ["functional", "marketing", "social"],
    });
  });

  it("accepted in the banner (live, French time zone name, an IAB stack group): everything the map names", () => {
    const v = ONETRUST.acceptedWithAlertBox;
    // C0005 (social media) is not in this site's groups, so social stays off.
    expect(read(withBox(v.value, v.alertBoxClosed), v.at)).toEqual({
      state: "valid",
      purposes: ["analytics", "functional", "marketing"],
    });
  });

  it("without interaction the groups are OneTrust's region defaults: skipped by default", () => {
    const none = ONETRUST.noInteraction;
    expect(read(`OptanonConsent=${none.value}`, none.at)).toMatchObject({ state: "unanswered" });
    const defaults = ONETRUST.defaultsAllGranted;
    expect(read(`OptanonConsent=${defaults.value}`, defaults.at)).toMatchObject({ state: "unanswered" });
    // The banner never closed: no OptanonAlertBoxClosed, even with interactionCount=1.
    expect(read(`OptanonConsent=${ONETRUST.commercetools.value}`, ONETRUST.commercetools.at)).toMatchObject({
      state: "unanswered",
    });
    // interactionCount=0 stays unanswered even beside a stray OptanonAlertBoxClosed.
    expect(read(withBox(none.value, "2025-06-16T12:18:00.000Z"), none.at)).toMatchObject({ state: "unanswered" });
  });

  it("requireInteraction: false takes the groups as they are", () => {
    expect(read(`OptanonConsent=${ONETRUST.noInteraction.value}`, ONETRUST.noInteraction.at, lenient)).toEqual({
      state: "valid",
      purposes: [],
    });
    expect(
      read(`OptanonConsent=${ONETRUST.defaultsAllGranted.value}`, ONETRUST.defaultsAllGranted.at, lenient),
    ).toEqual({
      state: "valid",
      purposes: ["analytics", "functional", "marketing"],
    });
  });

  it("AwaitingReconsent=true (live) is outdated: OneTrust itself wants to ask again", () => {
    const v = ONETRUST.awaitingReconsent;
    expect(read(withBox(v.value, "2024-02-23T19:58:41.000Z"), v.at)).toMatchObject({ state: "outdated" });
  });

  it("a site's own group ids (live) map to nothing under the test site's C000x mapping", () => {
    const v = ONETRUST.customGroups;
    expect(read(withBox(v.value, "2025-11-14T04:30:31.000Z"), v.at)).toEqual({ state: "valid", purposes: [] });
  });

  it("is outdated when its datestamp or banner close is older than the consent lifetime", () => {
    const v = ONETRUST.acceptedWithAlertBox;
    expect(read(withBox(v.value, v.alertBoxClosed), v.at + 366 * 86400)).toMatchObject({ state: "outdated" });
    const fresh = oneTrustValue({ C0001: 1, C0002: 1 }, v.at + 300 * 86400);
    expect(read(withBox(fresh, v.alertBoxClosed), v.at + 366 * 86400)).toMatchObject({ state: "outdated" });
  });

  it("a purpose mapped to a group the cookie does not list stays off", () => {
    const at = ONETRUST.commercetools.at;
    const value = oneTrustValue({ C0001: 1, C0002: 1 }, at);
    expect(read(withBox(value, new Date(at * 1000).toISOString()), at)).toEqual({
      state: "valid",
      purposes: ["analytics"],
    });
  });

  it.each([
    ["absent", "other=1", { state: "absent" }],
    [
      "duplicated",
      `OptanonConsent=groups=C0001:1; OptanonConsent=groups=C0002:1`,
      { state: "invalid", reason: "duplicate" },
    ],
    ["no groups", "OptanonConsent=isGpcEnabled=0&interactionCount=1", { state: "invalid" }],
    ["two groups fields", "OptanonConsent=groups=C0002%3A1&groups=C0002%3A0", { state: "invalid" }],
    ["a group twice", "OptanonConsent=groups=C0002%3A0%2CC0002%3A1", { state: "invalid" }],
    ["a bit that is not 0 or 1", "OptanonConsent=groups=C0002%3Atrue", { state: "invalid" }],
    ["an empty group list", "OptanonConsent=groups=", { state: "invalid" }],
    ["a trailing comma", "OptanonConsent=groups=C0002%3A1%2C", { state: "invalid" }],
    [
      "AwaitingReconsent not a boolean",
      "OptanonConsent=groups=C0002%3A1&AwaitingReconsent=maybe",
      { state: "invalid" },
    ],
    [
      "interactionCount not a number",
      "OptanonConsent=groups=C0002%3A1&interactionCount=x; OptanonAlertBoxClosed=2025-11-29T00:00:00Z",
      { state: "invalid" },
    ],
    [
      "OptanonAlertBoxClosed not a date",
      "OptanonConsent=groups=C0002%3A1&interactionCount=1; OptanonAlertBoxClosed=yes",
      { state: "invalid" },
    ],
  ])("%s: never trusted", (_name, header, expected) => {
    expect(read(header, ONETRUST.commercetools.at)).toMatchObject(expected);
  });
});

describe("parseOneTrustGroups", () => {
  it("reads each group's bit", () => {
    expect(Object.fromEntries(parseOneTrustGroups("C0001:1,C0002:0,V2STACK42:1,BG71:1") ?? [])).toEqual({
      C0001: true,
      C0002: false,
      V2STACK42: true,
      BG71: true,
    });
  });
});
