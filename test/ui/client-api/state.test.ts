/**
 * The client API's pure state logic (src/ui/client-api/state.ts), which the browser script bundles
 * and the edge uses to write the page's state and answer GET /__gk/consent: reading a state, what
 * a change is and what its event says, the form a choice posts, and the Consent Mode signals.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { consentModeDefaults } from "../../../src/consent/consent-mode";
import { decide } from "../../../src/consent/decide";
import { parseConsentForm } from "../../../src/consent/form";
import { activatePolicy } from "../../../src/policy/active";
import { consentJson } from "../../../src/ui/client-api/endpoints";
import {
  type ClientState,
  changeOf,
  consentFormFields,
  readConsentMode,
  readState,
  stateOfDecision,
  unknownPurposes,
} from "../../../src/ui/client-api/state";
import { consentCookie, NOW, SHIPPED, SITE } from "../../helpers/gate";

const policy = activatePolicy(SHIPPED).policy;
const PURPOSES = policy.purposes.map((p) => p.id);
const OPTIONAL = PURPOSES.filter((p) => !policy.required.has(p));
const state = (allowed: string[], decided = true, source: string | null = "gatekeeper", gpc = false): ClientState => ({
  allowed,
  decided,
  source,
  gpc,
});
const decisionFor = (cookie: string | null, headers: Record<string, string> = {}) =>
  decide(
    policy,
    { host: new URL(SITE).hostname, headers: new Headers({ ...(cookie ? { cookie } : {}), ...headers }) },
    NOW,
  );

describe("readState", () => {
  it("reads a state, sorted and without repeats, and freezes it", () => {
    const read = readState({ allowed: ["social", "necessary", "social"], decided: true, source: "gatekeeper" });
    expect(read).toEqual({ allowed: ["necessary", "social"], decided: true, source: "gatekeeper", gpc: false });
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read?.allowed)).toBe(true);
  });

  it("reads what GET /__gk/consent answers, extra fields and all", () => {
    const json = JSON.parse(JSON.stringify(consentJson(policy, decisionFor(consentCookie(["analytics"])))));
    expect(readState(json)).toEqual({
      allowed: ["analytics", "necessary"],
      decided: true,
      source: "gatekeeper",
      gpc: false,
    });
  });

  it.each([
    ["null", null],
    ["a string", "necessary"],
    ["an array", ["necessary"]],
    ["allowed missing", { decided: false, source: null }],
    ["allowed not an array", { allowed: "necessary", decided: false, source: null }],
    ["a purpose not a string", { allowed: ["necessary", 1], decided: false, source: null }],
    ["decided missing", { allowed: [], source: null }],
    ["decided a string", { allowed: [], decided: "true", source: null }],
    ["source missing", { allowed: [], decided: false }],
    ["source a number", { allowed: [], decided: false, source: 1 }],
    ["gpc a string", { allowed: [], decided: false, source: null, gpc: "1" }],
    ["too many purposes", { allowed: Array.from({ length: 65 }, (_, i) => `p${i}`), decided: true, source: "x" }],
  ])("is null for %s", (_name, value) => {
    expect(readState(value)).toBeNull();
  });

  it("never throws, and reads anything as null or a well-formed state (fast-check)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const read = readState(value);
        if (read === null) return;
        expect(read.allowed.every((p) => typeof p === "string")).toBe(true);
        expect([...read.allowed]).toEqual([...new Set(read.allowed)].sort());
        expect(typeof read.decided).toBe("boolean");
        expect(typeof read.gpc).toBe("boolean");
        expect(read.source === null || typeof read.source === "string").toBe(true);
      }),
    );
  });
});

describe("stateOfDecision", () => {
  it("without consent: necessary only, undecided, no source", () => {
    expect(stateOfDecision(decisionFor(null))).toEqual(state(["necessary"], false, null));
  });
  it("with the gatekeeper's cookie: its purposes, decided by the gatekeeper", () => {
    expect(stateOfDecision(decisionFor(consentCookie(["social", "analytics"])))).toEqual(
      state(["analytics", "necessary", "social"]),
    );
  });
  it("under Sec-GPC: 1, what the site says GPC refuses is not allowed, and gpc says why", () => {
    const decision = decisionFor(consentCookie(["analytics", "marketing"]), { "sec-gpc": "1" });
    expect(stateOfDecision(decision)).toEqual(state(["analytics", "necessary"], true, "gatekeeper", true));
  });
  it("a garbled cookie is no choice", () => {
    expect(stateOfDecision(decisionFor("gk_consent=1.1.all.x.y"))).toEqual(state(["necessary"], false, null));
  });
});

describe("changeOf", () => {
  const rendered = ["necessary"];
  it("is null when nothing changed, so no event fires", () => {
    expect(changeOf(state(["necessary"], false, null), state(["necessary"], false, null), rendered)).toBeNull();
    expect(changeOf(state(["a", "necessary"]), state(["a", "necessary"]), rendered)).toBeNull();
  });
  it("a first choice of necessary only is a change (Reject all): decided, nothing added or removed", () => {
    expect(changeOf(state(["necessary"], false, null), state(["necessary"]), rendered)).toEqual({
      ...state(["necessary"]),
      added: [],
      removed: [],
      reload: false,
    });
  });
  it("says what was added and removed", () => {
    const change = changeOf(state(["analytics", "necessary"]), state(["necessary", "social"]), rendered);
    expect(change).toMatchObject({ added: ["social"], removed: ["analytics"] });
    expect(Object.isFrozen(change)).toBe(true);
  });
  it("asks for a reload only when a purpose is allowed that was refused when the page was rendered", () => {
    const withAnalytics = ["analytics", "necessary"];
    // Allowed at render, withdrawn, allowed again: its tags are still on the page.
    expect(changeOf(state(["necessary"]), state(withAnalytics), withAnalytics)?.reload).toBe(false);
    // Refused at render: its tags were removed.
    expect(changeOf(state(["necessary"]), state(withAnalytics), rendered)?.reload).toBe(true);
    // Withdrawing never needs one.
    expect(changeOf(state(withAnalytics), state(["necessary"]), withAnalytics)?.reload).toBe(false);
  });
  it("a change of source or GPC alone is a change", () => {
    expect(changeOf(state(["necessary"]), state(["necessary"], true, "tcf"), rendered)).not.toBeNull();
    expect(changeOf(state(["necessary"]), state(["necessary"], true, "gatekeeper", true), rendered)).not.toBeNull();
  });
  it("holds for any two states: null exactly when equal, added and removed are the differences (fast-check)", () => {
    const arbState = fc.record({
      allowed: fc.subarray(PURPOSES).map((a) => [...a].sort()),
      decided: fc.boolean(),
      source: fc.constantFrom(null, "gatekeeper", "tcf"),
      gpc: fc.boolean(),
    });
    fc.assert(
      fc.property(arbState, arbState, fc.subarray(PURPOSES), (before, after, shown) => {
        const change = changeOf(before, after, shown);
        const equal = JSON.stringify(before) === JSON.stringify(after);
        expect(change === null).toBe(equal);
        if (!change) return;
        expect(change.added).toEqual(after.allowed.filter((p) => !before.allowed.includes(p)));
        expect(change.removed).toEqual(before.allowed.filter((p) => !after.allowed.includes(p)));
        expect(change.reload).toBe(after.allowed.some((p) => !shown.includes(p)));
        expect({ ...change, added: undefined, removed: undefined, reload: undefined }).toMatchObject(after);
      }),
    );
  });
});

describe("consentFormFields", () => {
  const fields = (purposes: string[], lang = "fi") => consentFormFields(purposes, lang);
  it("one allow= per purpose, sorted, back to GET /__gk/consent, with the language", () => {
    expect(fields(["social", "analytics", "social"])).toEqual([
      ["allow", "analytics"],
      ["allow", "social"],
      ["return", "/__gk/consent"],
      ["lang", "fi"],
    ]);
  });
  it("allow=none for an empty choice, and no lang when none is known", () => {
    expect(fields([], "")).toEqual([
      ["allow", "none"],
      ["return", "/__gk/consent"],
    ]);
  });
  it("is the contract's form: the edge records exactly the purposes chosen, the required ones added (fast-check)", () => {
    fc.assert(
      fc.property(fc.subarray(PURPOSES), (chosen) => {
        const form = parseConsentForm(fields(chosen) as Array<[string, string]>, policy.purposes, SITE);
        expect(form).toEqual({
          ok: true,
          purposes: [...new Set([...chosen, ...policy.required])].sort(),
          returnTo: "/__gk/consent",
        });
      }),
    );
  });
});

describe("unknownPurposes", () => {
  it("names what the policy does not have, and anything that is not a string", () => {
    expect(unknownPurposes(["analytics", "chat", 3, null], PURPOSES)).toEqual(["chat", "3", "null"]);
    expect(unknownPurposes(OPTIONAL, PURPOSES)).toEqual([]);
  });
});

describe("Consent Mode: the signals after a change are the edge's defaults for the same decision", () => {
  const site = policy.sites[0]!;
  it("for every choice, GET /__gk/consent's consentMode equals the injected defaults where those are given (fast-check)", () => {
    fc.assert(
      fc.property(fc.subarray(OPTIONAL), fc.boolean(), (chosen, gpc) => {
        const decision = decisionFor(consentCookie(chosen), gpc ? { "sec-gpc": "1" } : {});
        const json = consentJson(policy, decision);
        const defaults = consentModeDefaults(policy, site, decision);
        if (defaults) expect(json.consentMode).toEqual(defaults);
        expect(readConsentMode(json)).toEqual(json.consentMode);
        expect(json.consentMode?.analytics_storage).toBe(decision.allowed.has("analytics") ? "granted" : "denied");
        expect(json.consentMode?.ad_storage).toBe(decision.allowed.has("marketing") ? "granted" : "denied");
      }),
    );
  });
  it.each([
    ["no consentMode", { allowed: [] }],
    ["null", { consentMode: null }],
    ["an empty object", { consentMode: {} }],
    ["a value that is not a signal state", { consentMode: { ad_storage: "yes" } }],
  ])("reads nothing from %s", (_name, value) => {
    expect(readConsentMode(value)).toBeNull();
  });
});
