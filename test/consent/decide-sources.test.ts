/**
 * decide() walking the test site's sources in priority order (gatekeeper, cookiebot, onetrust,
 * tcf, cookieconsent): the first present and valid one decides; the others are skipped.
 */
import { describe, expect, it } from "vitest";
import { readGatekeeperSource } from "../../src/consent/sources/gatekeeper";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, NOW, shippedFiles } from "../helpers/gate";
import { DAY, decideWith, sorted } from "./decide-fixture";
import { ALLOWS, SOURCES } from "./sources/combos";
import { COOKIEBOT, ccValue, cookiebotValue } from "./sources/fixtures";
import { context } from "./sources/shipped";

describe("each source alone", () => {
  it.each(Object.keys(SOURCES) as Array<keyof typeof SOURCES>)("%s decides, and decision.source says so", (name) => {
    const d = decideWith({ cookie: SOURCES[name] });
    expect(d.basis).toBe("consent");
    expect(d.source).toBe(name);
    expect(sorted(d.allowed)).toEqual(ALLOWS[name]);
    expect(d.consent === undefined).toBe(name !== "gatekeeper");
  });
});

describe("priority order", () => {
  const names = Object.keys(SOURCES) as Array<keyof typeof SOURCES>;
  it.each(names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b] as const)))("%s wins over %s", (a, b) => {
    for (const header of [`${SOURCES[a]}; ${SOURCES[b]}`, `${SOURCES[b]}; ${SOURCES[a]}`]) {
      const d = decideWith({ cookie: header });
      expect(d.source).toBe(a);
      expect(sorted(d.allowed)).toEqual(ALLOWS[a]);
    }
  });

  it("all five at once: the gatekeeper's own choice", () => {
    const d = decideWith({ cookie: Object.values(SOURCES).join("; ") });
    expect(d.source).toBe("gatekeeper");
    expect(sorted(d.allowed)).toEqual(ALLOWS.gatekeeper);
  });

  it.each([
    ["a garbled gatekeeper cookie", "gk_consent=1.1.analytics.xx.AAAAAAAAAAAAAAAAAAAAAA", "invalid-consent"],
    ["a gatekeeper cookie of an older policy version", consentCookie(["marketing"], 0), "outdated-consent"],
    ["an expired gatekeeper cookie", consentCookie(["marketing"], 1, NOW - 400 * DAY), "outdated-consent"],
  ])("%s is skipped: the next valid source decides", (_name, cookie, basisAlone) => {
    expect(decideWith({ cookie }).basis).toBe(basisAlone);
    const d = decideWith({ cookie: `${cookie}; ${SOURCES.tcf}` });
    expect(d.source).toBe("tcf");
    expect(sorted(d.allowed)).toEqual(ALLOWS.tcf);
  });

  it("Cookiebot's -1 and implied consent are skipped by default", () => {
    for (const value of [
      COOKIEBOT.notRequired,
      cookiebotValue({ preferences: true, statistics: true, marketing: true }, NOW - DAY, "implied"),
    ]) {
      const alone = decideWith({ cookie: `CookieConsent=${value}` });
      expect(alone.basis).toBe("no-consent");
      expect(sorted(alone.allowed)).toEqual(["necessary"]);
      expect(decideWith({ cookie: `CookieConsent=${value}; ${SOURCES.cookieconsent}` }).source).toBe("cookieconsent");
    }
  });

  it("the basis names the first unusable source when none decides", () => {
    const garbledCookiebot = "CookieConsent=%7Bnecessary%3Atrue";
    const oldCc = `cc_cookie=${ccValue(["analytics"], NOW - 500 * DAY)}`;
    expect(decideWith({ cookie: `${garbledCookiebot}; ${oldCc}` }).basis).toBe("invalid-consent");
    expect(decideWith({ cookie: oldCc }).basis).toBe("outdated-consent");
    expect(decideWith({ cookie: `${oldCc}; ${garbledCookiebot}` }).basis).toBe("invalid-consent");
  });
});

describe("Sec-GPC: 1 still refuses marketing, whichever source decided", () => {
  it.each(Object.keys(SOURCES) as Array<keyof typeof SOURCES>)("%s", (name) => {
    const d = decideWith({ cookie: SOURCES[name], "sec-gpc": "1" });
    expect(d.gpc).toBe(true);
    expect(d.source).toBe(name);
    expect(sorted(d.allowed)).toEqual(ALLOWS[name].filter((p) => p !== "marketing"));
  });
});

describe("a site without consent.sources", () => {
  it("reads only its own cookie, as before sources existed", () => {
    const files = shippedFiles();
    delete files["policies/sites/default.yaml"].consent.sources;
    const active = activatePolicy(files);
    expect(active.diagnostics).toEqual([]);
    expect(active.policy.sites[0]?.consent.sources).toEqual([{ type: "gatekeeper" }]);
    expect(decideWith({ cookie: SOURCES.tcf }, active.policy).basis).toBe("no-consent");
    expect(decideWith({ cookie: SOURCES.gatekeeper }, active.policy).source).toBe("gatekeeper");
  });
});

describe("the gatekeeper adapter", () => {
  it.each([
    ["absent", "x=1", "absent"],
    ["valid", consentCookie(["social"]), "valid"],
    ["another version", consentCookie(["social"], 2), "outdated"],
    ["expired", consentCookie(["social"], 1, NOW - 366 * DAY), "outdated"],
    ["garbled", "gk_consent=nope", "invalid"],
  ])("%s", (_name, cookie, state) => {
    expect(readGatekeeperSource(context(cookie, NOW)).state).toBe(state);
  });
});
