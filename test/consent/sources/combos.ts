/** One valid cookie per source, fresh at NOW, and what each allows alone under the test policy. */
import { consentCookie, NOW } from "../../helpers/gate";
import { ccValue, cookiebotValue, oneTrustValue } from "./fixtures";
import { tcString } from "./tcf-strings";

const DAY = 86400;
const closed = `OptanonAlertBoxClosed=${new Date((NOW - DAY) * 1000).toISOString()}`;
export const SOURCES = {
  gatekeeper: consentCookie(["analytics"]),
  cookiebot: `CookieConsent=${cookiebotValue({ preferences: true, statistics: false, marketing: false }, NOW - DAY)}`,
  onetrust: `OptanonConsent=${oneTrustValue({ C0001: 1, C0002: 0, C0003: 0, C0004: 1, C0005: 0 }, NOW - DAY)}; ${closed}`,
  tcf: `euconsent-v2=${tcString({ purposes: [1, 8, 9], vendors: [755], updated: NOW - DAY })}`,
  cookieconsent: `cc_cookie=${ccValue(["necessary", "marketing"], NOW - DAY)}`,
};
export const ALLOWS: Record<keyof typeof SOURCES, string[]> = {
  gatekeeper: ["analytics", "necessary"],
  cookiebot: ["functional", "necessary"],
  onetrust: ["marketing", "necessary"],
  tcf: ["analytics", "necessary"],
  cookieconsent: ["marketing", "necessary", "social"],
};
