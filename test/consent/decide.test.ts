import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { serializeConsentValue } from "../../src/consent/cookie";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, NOW, shippedFiles } from "../helpers/gate";
import { DAY, decideWith, policy, refusedIds, sorted } from "./decide-fixture";

const OPTIONAL = ["analytics", "functional", "marketing", "social"] as const;
const cookieAt = (issuedAt: number, purposes: string[] = ["analytics"]) => ({
  cookie: consentCookie(purposes, 1, issuedAt),
});

describe("decide with the test policy", () => {
  it("the test policy is valid, so the test below is about decide", () => {
    expect(policy.failsafe).toBe(false);
    expect(sorted(policy.required)).toEqual(["necessary"]);
  });

  it("no cookie: only necessary, basis no-consent, every vendor with tags refused", () => {
    const d = decideWith({});
    expect(d.basis).toBe("no-consent");
    expect(sorted(d.allowed)).toEqual(["necessary"]);
    expect(d.consent).toBeUndefined();
    expect(d.gpc).toBe(false);
    expect(d.site?.id).toBe("default");
    expect(refusedIds(policy, d.refused)).toEqual(policy.vendors.filter((v) => v.id !== "site").map((v) => v.id));
  });

  it("a valid cookie: exactly its purposes", () => {
    const d = decideWith({ cookie: consentCookie(["analytics", "social"]) });
    expect(d.basis).toBe("consent");
    expect(sorted(d.allowed)).toEqual(["analytics", "necessary", "social"]);
    expect(d.consent?.purposes).toEqual(["analytics", "necessary", "social"]);
    expect(refusedIds(policy, d.refused).sort()).toEqual(
      ["google-ads", "google-tag-manager", "intercom", "linkedin-insight", "meta-pixel"].sort(),
    );
  });

  it("a cookie without `necessary` still allows necessary", () => {
    const value = serializeConsentValue({ version: 1, purposes: ["functional"], issuedAt: NOW, id: "A".repeat(22) });
    const d = decideWith({ cookie: `gk_consent=${value}` });
    expect(d.basis).toBe("consent");
    expect(sorted(d.allowed)).toEqual(["functional", "necessary"]);
  });

  it.each([
    ["an older policy version", 0],
    ["a newer policy version", 2],
    ["a far other version", 999_999_999],
  ])("a cookie given to %s is outdated", (_, version) => {
    const d = decideWith({ cookie: consentCookie([...OPTIONAL], version) });
    expect(d.basis).toBe("outdated-consent");
    expect(sorted(d.allowed)).toEqual(["necessary"]);
    expect(d.consent).toBeUndefined();
  });

  // lifetimeDays is 365 in the test site; 24 h of clock skew is tolerated forward.
  it.each([
    ["issued just now", NOW, "consent"],
    ["issued exactly lifetimeDays ago", NOW - 365 * DAY, "consent"],
    ["issued a second before that", NOW - 365 * DAY - 1, "outdated-consent"],
    ["issued two years ago", NOW - 730 * DAY, "outdated-consent"],
    ["issued at the epoch", 0, "outdated-consent"],
    ["issued 24 h ahead (clock skew)", NOW + DAY, "consent"],
    ["issued 24 h and a second ahead", NOW + DAY + 1, "outdated-consent"],
    ["issued far in the future", 999_999_999_999, "outdated-consent"],
  ])("a cookie %s: %s", (_, issuedAt, basis) => {
    const d = decideWith(cookieAt(issuedAt));
    expect(d.basis).toBe(basis);
    expect(sorted(d.allowed)).toEqual(basis === "consent" ? ["analytics", "necessary"] : ["necessary"]);
  });

  it.each([
    ["duplicated", `${consentCookie(["analytics"])}; ${consentCookie(["analytics"])}`],
    ["garbled", "gk_consent=all"],
    ["oversized", `gk_consent=${"1".repeat(300)}`],
  ])("a %s cookie: invalid-consent, necessary only", (_, cookie) => {
    const d = decideWith({ cookie });
    expect(d.basis).toBe("invalid-consent");
    expect(sorted(d.allowed)).toEqual(["necessary"]);
  });

  it("unknown purpose ids in a cookie never widen", () => {
    const value = serializeConsentValue({
      version: 1,
      purposes: ["necessary", "bogus", "optional", "all", "analyticsx"],
      issuedAt: NOW,
      id: "A".repeat(22),
    });
    const d = decideWith({ cookie: `gk_consent=${value}` });
    expect(d.basis).toBe("consent");
    expect(sorted(d.allowed)).toEqual(["necessary"]);
    expect(d.refused.filter(Boolean)).toHaveLength(policy.vendors.length - 1);
  });

  it("another site's cookie name does not count", () => {
    expect(decideWith({ cookie: consentCookie([...OPTIONAL]).replace("gk_consent", "consent") }).basis).toBe(
      "no-consent",
    );
  });

  describe("Global Privacy Control (the test site honours it and refuses marketing)", () => {
    const all = consentCookie([...OPTIONAL]);
    it.each([
      ["1", true],
      [" 1 ", true],
      ["0", false],
      ["", false],
      ["true", false],
      ["1, 1", false],
    ])("Sec-GPC: %j -> gpc %s", (value, gpc) => {
      const d = decideWith({ cookie: all, "sec-gpc": value });
      expect(d.gpc).toBe(gpc);
      expect(d.basis).toBe("consent");
      expect(sorted(d.allowed)).toEqual(
        gpc
          ? ["analytics", "functional", "necessary", "social"]
          : ["analytics", "functional", "marketing", "necessary", "social"],
      );
      const refused = refusedIds(policy, d.refused).sort();
      expect(refused).toEqual(gpc ? ["google-ads", "google-tag-manager", "linkedin-insight", "meta-pixel"] : []);
    });

    it("applies without a cookie too, and never removes necessary", () => {
      const d = decideWith({ "sec-gpc": "1" });
      expect(d.gpc).toBe(true);
      expect(d.basis).toBe("no-consent");
      expect(sorted(d.allowed)).toEqual(["necessary"]);
    });

    it("is ignored by a site that does not honour it", () => {
      const files = shippedFiles();
      files["policies/sites/default.yaml"].gpc = { honour: false, refuses: ["marketing"] };
      const p = activatePolicy(files).policy;
      expect(p.failsafe).toBe(false);
      const d = decideWith({ cookie: all, "sec-gpc": "1" }, p);
      expect(d.gpc).toBe(false);
      expect(d.allowed.has("marketing")).toBe(true);
    });
  });

  describe("which site", () => {
    const twoSites = () => {
      const files = shippedFiles();
      files["policies/sites/default.yaml"].hosts = ["kevyt.example", "*.kevyt.example"];
      files["policies/sites/other.yaml"] = {
        ...structuredClone(files["policies/sites/default.yaml"]),
        id: "other",
        version: 7,
        hosts: ["other.example"],
      };
      const active = activatePolicy(files);
      expect(active.diagnostics).toEqual([]);
      return active.policy;
    };

    it.each([
      ["kevyt.example", "default"],
      ["KEVYT.Example", "default"],
      ["kevyt.example.", "default"],
      ["www.kevyt.example", "default"],
      ["a.b.kevyt.example", "default"],
      ["other.example", "other"],
      ["notkevyt.example", undefined],
      ["kevyt.example.evil", undefined],
      ["localhost", undefined],
    ])("%s -> %s", (host, site) => {
      const d = decideWith({ cookie: consentCookie([...OPTIONAL]) }, twoSites(), host);
      expect(d.site?.id).toBe(site);
      if (site === undefined) {
        expect(d.basis).toBe("no-site");
        expect(sorted(d.allowed)).toEqual(["necessary"]);
      }
    });

    it("a cookie is checked against its site's version", () => {
      const p = twoSites();
      expect(decideWith({ cookie: consentCookie(["analytics"], 7) }, p, "other.example").basis).toBe("consent");
      expect(decideWith({ cookie: consentCookie(["analytics"], 7) }, p, "kevyt.example").basis).toBe(
        "outdated-consent",
      );
    });

    it("the test policy's '*' site claims every host", () => {
      for (const host of ["localhost", "127.0.0.1", "kevyt.example", "[::1]"])
        expect(decideWith({}, policy, host).site?.id).toBe("default");
    });
  });
});

describe("decide under the failsafe policy", () => {
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    errors = vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const broken = () => {
    const files = shippedFiles();
    files["policies/purposes.yaml"].purposes[1].id = "Functional";
    return files;
  };

  it("a broken policy activates as the failsafe, and says so on the console", () => {
    const active = activatePolicy(broken());
    expect(active.policy.failsafe).toBe(true);
    expect(active.diagnostics.length).toBeGreaterThan(0);
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("POLICY INVALID, failing closed"));
  });

  it.each([
    ["no cookie", {}],
    ["a valid cookie for everything", { cookie: consentCookie([...OPTIONAL]) }],
    ["a valid cookie and Sec-GPC: 0", { cookie: consentCookie([...OPTIONAL]), "sec-gpc": "0" }],
  ])("%s: basis failsafe, only necessary, every vendor refused", (_, headers) => {
    const p = activatePolicy(broken()).policy;
    const d = decideWith(headers, p);
    expect(d.basis).toBe("failsafe");
    expect(sorted(d.allowed)).toEqual(["necessary"]);
    expect(d.site).toBeUndefined();
    expect(d.consent).toBeUndefined();
    expect(p.vendors.length).toBeGreaterThan(0);
    expect(d.refused).toEqual(p.vendors.map(() => true));
  });

  it("keeps every vendor file that still validates, so inline snippets are still found", () => {
    const p = activatePolicy(broken()).policy;
    expect(p.vendors.map((v) => v.id).sort()).toEqual(policy.vendors.map((v) => v.id).sort());
    expect(p.inline.length).toBe(policy.inline.length);
  });
});

describe("property: a valid cookie allows exactly its purposes", () => {
  it("allowed == subset ∪ {necessary} minus what GPC refuses; refused[v] == !allowed.has(purpose)", () => {
    fc.assert(
      fc.property(
        fc.subarray([...OPTIONAL]),
        fc.boolean(),
        fc.constantFrom(undefined, "0", "1"),
        fc.integer({ min: NOW - 365 * DAY, max: NOW + DAY }),
        (subset, withNecessary, gpc, issuedAt) => {
          const purposes = withNecessary ? ["necessary", ...subset] : [...subset];
          fc.pre(purposes.length > 0);
          const value = serializeConsentValue({ version: 1, purposes, issuedAt, id: "A".repeat(22) });
          const headers: Record<string, string> = { cookie: `gk_consent=${value}` };
          if (gpc !== undefined) headers["sec-gpc"] = gpc;
          const d = decideWith(headers);
          const expected = new Set(["necessary", ...subset]);
          if (gpc === "1") expected.delete("marketing");
          expect(d.basis).toBe("consent");
          expect(d.gpc).toBe(gpc === "1");
          expect(sorted(d.allowed)).toEqual(sorted(expected));
          for (const v of policy.vendors) expect(d.refused[v.index]).toBe(!d.allowed.has(v.purpose));
          expect(d.refused).toHaveLength(policy.vendors.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
