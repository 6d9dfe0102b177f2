/**
 * Real consent-manager cookie values, and where each came from. Research was done with the
 * offline search tool (stored copies of public pages and repositories; nothing fetched live).
 *
 * Kinds of source, in order of preference:
 * - DOC: the vendor's own documentation (or the library's own source and docs) states the value or
 *   the exact format and meaning, at the URL given.
 * - GUIDE: a published integration guide or README by a third party quotes the value.
 * - LIVE: a value a real site's consent manager wrote, quoted in a public GitHub file (request
 *   headers or a test fixture) found with the offline code index; the index does not name the
 *   repository, so the index's file id is given. These are what browsers really send.
 * - DERIVED: a DOC or LIVE value with one stated field changed (usually its date, so that it is
 *   fresh at the suite's fixed clock NOW = 2025-11-29).
 *
 * Every `at` is a Unix time at which the value is fresh, for table tests of the pure adapters.
 */

const DAY = 86400;
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

// ---------------------------------------------------------------------------------------------
// Cookiebot: CookieConsent
//
// DOC  https://www.cookiebot.com/en/developer/ : consent.necessary/preferences/statistics/marketing;
//      consent.method "'implied' when a consent is given automatically or 'explicit' when given
//      by the user ... If the consent method is unknown (old consents) it is considered 'implied'".
// DOC  https://www.cookieinfo.net/en/knowledge-base/server-side-usage-c/ (Cookiebot's knowledge
//      base, "Server side usage"): value "0" = "The user has not accepted cookies - set strictly
//      necessary cookies only"; "-1" = "The user is not within a region that requires consent -
//      all cookies are accepted"; otherwise "current user consent in encoded JavaScript format",
//      read after HttpUtility.UrlDecode.
// GUIDE https://sprtags.io/resources/blog/read-cookiebot-consent-state-sgtm : "A typical
//      CookieConsent cookie value looks like this when URL-decoded" (below as SPRTAGS); "The cookie
//      is not strict JSON (no quotes around keys), so you cannot JSON.parse it."
// ---------------------------------------------------------------------------------------------
export const COOKIEBOT = {
  /** DOC (Cookiebot knowledge base): necessary only. */
  declined: "0",
  /** DOC (Cookiebot knowledge base): no consent required in the visitor's region. */
  notRequired: "-1",
  /** GUIDE (sprtags.io): no `method`, so implied per Cookiebot's developer page. */
  sprtags: {
    value: encodeURIComponent(
      "{stamp:'abcd1234',necessary:true,preferences:false,statistics:true,marketing:false,ver:1,utc:1740000000000,region:'fr'}",
    ),
    at: 1740000000 + DAY,
  },
  /** LIVE (code index file id 68782964961, a site's test of its own Cookiebot reader): statistics only, explicit. */
  statisticsExplicit: {
    value: encodeURIComponent(
      "{stamp:'VLZnHUKBPLqZCJyClLLmnGglmUPeZsGxrmiAEZ48i7UH39ptKHY4MA==',necessary:true,preferences:false,statistics:true,marketing:false,method:'explicit',ver:1,utc:1724770548958,region:'de'}",
    ),
    at: 1724770548 + DAY,
  },
  /** LIVE (code index file id 46505081135, a Playwright fixture of www.ab-in-den-urlaub.*): reject all, explicit. */
  rejectExplicit: {
    value: encodeURIComponent(
      "{stamp:'iL9j4mDoKjmdTEMc6g2QNUq9m+hHNOH8YNUmGK7dARZB46f21jlWeA==',necessary:true,preferences:false,statistics:false,marketing:false,method:'explicit',ver:7,utc:1731969341591,region:'de'}",
    ),
    at: 1731969341 + DAY,
  },
  /** LIVE (code index file id 38635656590, a scraper's cookie jar): all accepted, no method (old consent). */
  allNoMethod: {
    value: encodeURIComponent(
      "{stamp:'COZvc8ROe7zINee/aAAoqH5+iqnLfwd3GliXAhbsiQ1NUFAbWs0VjQ==',necessary:true,preferences:true,statistics:true,marketing:true,ver:1,utc:1662408903974,region:'ru'}",
    ),
    at: 1662408903 + DAY,
  },
};

/** DERIVED from COOKIEBOT.statisticsExplicit with the categories and utc given, as the browser sends it. */
export function cookiebotValue(
  categories: { preferences: boolean; statistics: boolean; marketing: boolean },
  utcSeconds: number,
  method: "explicit" | "implied" = "explicit",
): string {
  const c = categories;
  return encodeURIComponent(
    `{stamp:'VLZnHUKBPLqZCJyClLLmnGglmUPeZsGxrmiAEZ48i7UH39ptKHY4MA==',necessary:true,preferences:${c.preferences},statistics:${c.statistics},marketing:${c.marketing},method:'${method}',ver:1,utc:${utcSeconds * 1000},region:'fi'}`,
  );
}

// ---------------------------------------------------------------------------------------------
// OneTrust: OptanonConsent (+ OptanonAlertBoxClosed)
//
// DOC  https://my.onetrust.com/articles/en_US/Knowledge/UUID-2dc719a8-4be5-8d16-1dc8-c7b4147b88e0
//      ("OneTrust Cookies": OptanonConsent holds the visitor's consent status; OptanonAlertBoxClosed
//      is set when the banner is closed).
// GUIDE https://socket.dev/npm/package/@commercetools-frontend/cookie-consent/overview/2.1.10
//      (commercetools' OneTrust integration README): the value below; "URL encoded and can be
//      parsed using URLSearchParams. The field of interest is groups"; C0001 strictly necessary,
//      C0002 performance, C0003 functional, C0004 targeting, C0005 social media.
// ---------------------------------------------------------------------------------------------
export const ONETRUST = {
  /** GUIDE (commercetools README): interactionCount=1, C0002 refused, the rest granted. */
  commercetools: {
    value:
      "isGpcEnabled=0&datestamp=Wed+Feb+01+2023+12%3A35%3A32+GMT%2B0100+(Central+European+Standard+Time)&version=202209.1.0&isIABGlobal=false&hosts=&consentId=7f3cf16d-b3e1-4781-8db1-61482d0a9dff&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1%2CC0005%3A1&geolocation=AT%3B9&AwaitingReconsent=false",
    at: seconds("2023-02-01T12:00:00Z") + DAY,
  },
  /** LIVE (code index file id 66266294343): interactionCount=0, only strictly necessary granted. */
  noInteraction: {
    value:
      "isGpcEnabled=0&datestamp=Mon+Jun+16+2025+17%3A48%3A11+GMT%2B0530+(India+Standard+Time)&version=202501.2.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=9f5da6c6-8680-4a0a-8100-807611edb626&interactionCount=0&isAnonUser=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0005%3A0%2CC0002%3A0%2CC0003%3A0%2CC0004%3A0&AwaitingReconsent=false",
    at: seconds("2025-06-16T12:18:11Z") + DAY,
  },
  /** LIVE (code index file id 35867919363): no interactionCount, no consentId, all groups granted (region defaults). */
  defaultsAllGranted: {
    value:
      "isGpcEnabled=0&datestamp=Sat+Jul+27+2024+16%3A20%3A31+GMT%2B0530+(India+Standard+Time)&version=202304.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&landingPath=NotLandingPage&groups=C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1&AwaitingReconsent=false",
    at: seconds("2024-07-27T10:50:31Z") + DAY,
  },
  /** LIVE (code index file id 8681168193): AwaitingReconsent=true. */
  awaitingReconsent: {
    value:
      "isGpcEnabled=0&datestamp=Fri+Feb+23+2024+21%3A58%3A41+GMT%2B0200+(Eastern+European+Standard+Time)&version=202310.2.0&isIABGlobal=false&hosts=&consentId=0d40cfb8-607b-4d83-836f-7acdc5cdc169&interactionCount=2&landingPath=NotLandingPage&groups=C0001%3A1%2CC0003%3A0%2CC0004%3A0%2CC0002%3A0&AwaitingReconsent=true&browserGpcFlag=0&geolocation=",
    at: seconds("2024-02-23T19:58:41Z") + DAY,
  },
  /** LIVE (code index file id 24302035383): accepted all after closing the banner, French time zone name, IAB stack group. */
  acceptedWithAlertBox: {
    value:
      "isGpcEnabled=0&datestamp=Tue+Jan+09+2024+17%3A20%3A35+GMT%2B0100+(heure+normale+d%E2%80%99Europe+centrale)&version=202310.2.0&browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=627466bc-15a5-4fce-99be-688f3d2fec7b&interactionCount=1&landingPath=NotLandingPage&groups=C0001%3A1%2CC0004%3A1%2CC0002%3A1%2CC0003%3A1%2CV2STACK42%3A1&geolocation=FR%3BGES&AwaitingReconsent=false",
    alertBoxClosed: "2024-01-08T16:40:37.807Z",
    at: seconds("2024-01-09T16:20:35Z") + DAY,
  },
  /** LIVE (code index file id 317684013): a site's own group ids (1, 2, 3, 4, BG71), none of the test site's C000x. */
  customGroups: {
    value:
      "isGpcEnabled=0&datestamp=Fri+Nov+14+2025+09%3A30%3A31+GMT%2B0500+(Pakistan+Standard+Time)&version=202506.1.0&browserGpcFlag=0&isIABGlobal=false&hosts=&landingPath=NotLandingPage&groups=1%3A1%2C3%3A1%2CBG71%3A1%2C2%3A1%2C4%3A1&AwaitingReconsent=false",
    at: seconds("2025-11-14T04:30:31Z") + DAY,
  },
};

/** DERIVED from ONETRUST.commercetools: these groups, chosen (interactionCount=1) at `at`. */
export function oneTrustValue(groups: Record<string, 0 | 1>, at: number, interactionCount = 1): string {
  const datestamp = encodeURIComponent(new Date(at * 1000).toString()).replace(/%20/g, "+");
  const list = encodeURIComponent(
    Object.entries(groups)
      .map(([g, v]) => `${g}:${v}`)
      .join(","),
  );
  return `isGpcEnabled=0&datestamp=${datestamp}&version=202209.1.0&isIABGlobal=false&hosts=&consentId=7f3cf16d-b3e1-4781-8db1-61482d0a9dff&interactionCount=${interactionCount}&landingPath=NotLandingPage&groups=${list}&geolocation=FI%3B18&AwaitingReconsent=false`;
}

// ---------------------------------------------------------------------------------------------
// IAB TCF v2: euconsent-v2
//
// DOC  https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework/blob/master/TCFv2/IAB%20Tech%20Lab%20-%20Consent%20string%20and%20vendor%20list%20formats%20v2.md
//      (the format; TCF v2.2 strings carry TcfPolicyVersion 4 or later).
// DOC  https://github.com/InteractiveAdvertisingBureau/iabtcf-java (README decoding example): TCF v2.0.
// DOC  https://metacpan.org/pod/GDPR::IAB::TCFv2 (SYNOPSIS): TCF v2.0 with a publisher segment;
//      "find consent for purpose ids 1, 3, 9 and 10".
// Strings of exact purpose/vendor combinations are encoded in the tests with @iabtcf/core itself
// (./tcf-strings.ts), since the IAB documentation carries no v2.2 example string.
// ---------------------------------------------------------------------------------------------
export const TCF = {
  /**
   * DOC (TCF v1.1 "Consent string and vendor list formats v1.1 Final", vendor consent string
   * format example, https://github.com/InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework):
   * a TCF v1 string, not v2.
   */
  v1: "BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA",
  /** DOC (iabtcf-java README): policy version 2, global scope, purposes 1 and 2. */
  iabtcfJava: "COwxsONOwxsONKpAAAENAdCAAMAAAAAAAAAAAAAAAAAA",
  /** DOC (GDPR::IAB::TCFv2 SYNOPSIS): policy version 2, purposes 1, 3, 9, 10, created 2008. */
  metacpan: "CLcVDxRMWfGmWAVAHCENAXCkAKDAADnAABRgA5mdfCKZuYJez-NQm0TBMYA4oCAAGQYIAAAAAAEAIAEgAA.argAC0gAAAAAAAAAAAA",
  /** LIVE (code index file id 24824055950): TCF v2.2 (policy 5) reject all, with publisher restrictions, 2024-09-04. */
  rejectAll: {
    value: "CQEbF4AQEbF4AAHABBENBFFgAAAAAAAAAAAAAAAAAABigAMAAQU1GAAYAAgpqQAAwABBTUAA.YAAAAAAAAAAA",
    at: seconds("2024-09-04T00:00:00Z") + DAY,
  },
  /** LIVE (code index file id 39448206): TCF v2.2 (policy 5) reject all, 2024-10-15. */
  rejectAllPlain: {
    value: "CQGiOUAQGiOUAAHABBENBLFgAAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAAA",
    at: seconds("2024-10-15T00:00:00Z") + DAY,
  },
  /**
   * LIVE (code index file id 42482690808, www.infojobs.net request headers): TCF v2.2 (policy 5)
   * accept all, purposes 1-11, 1534 vendors incl. 755 (Google) and 804 (LinkedIn), 2026-02-16.
   */
  acceptAll: {
    value:
      "CQft6wAQft6wAAHABBENCSFsAP_gAEPgAAiQL_NR_G__bWlr-bb3aftkeYxP9_hr7sQxBgbJk24FzLvW7JwXx2E5NAzatqIKmRIAu3TBIQNlHIDURUCgKIgFryDMaE2U4TNKJ6BkiFMZA2tYCFxvm4tjWQCY4vr99lc1mB-t7dr82dzyy6hHn3a5_2S1UJCdIYetDfv8ZBOT-9IEd_x8v4v4_EbpEm-eS1n_pGvp4jd-YnM_dBmxt-Tyff7Pn__rl_e7X_vc_n3zv84XH77v____fv-7___2b_-___Bf8AEw0KiCMsiBAIFAwggQAKCsIAKBAEAACQNEBACYMCHIGAC6wmQAgBQADBACAAEGAAIAABIAEIgAgAIBACBAIFAAGABAEBAAQMAAYALEQCAAEB0DFMCCAQLABIzKoNMCUABIICWyoQSgYEFcIQizwCCBETBQAAAkAFAQAgPBYCEkgJWJBAFxBNAAAQAABRAiQIpCzAEFQZotAWBJwGRpgGD5gmSU6DJAmCEhJMiE3oTDxTFEKCHKDYpZgDp4goARcAAA.IL_tX_H__bX9v-f736ft0eY1f9_j77uQxBhfJs-4FzLvW_JwX32E7NF36tqYKmRIEu3bBIQNtHJnUTVihaogVrzHsak2c4TtKJ-BkiHMZe29YCF5vm4tj-QKZ5_r_93d92T_9_dv-3dzy3_1nv3f9_-f1eLida5_tH_v_bROb-_I_9_7-_4v8_t_rk2_eT1v_9evv7__-________9_____________-____f________________________f_____g.f_wACHwAAAAA",
    at: seconds("2026-02-16T00:00:00Z") + DAY,
  },
};

// ---------------------------------------------------------------------------------------------
// orestbida/cookieconsent v3: cc_cookie
//
// DOC  https://github.com/orestbida/cookieconsent/blob/master/src/utils/cookies.js : `setCookie`
//      writes encodeURIComponent(JSON.stringify({categories, revision, data, consentTimestamp,
//      consentId, services, lastConsentTimestamp})); `parseCookie` reads JSON.parse(decodeURIComponent(value)).
// DOC  https://github.com/orestbida/cookieconsent/blob/master/docs/reference/api-reference.md (getCookie fields).
// GUIDE https://beautiful-cookie-banner.com/documentation/cookies-used-by-cookie-banner-plugin
//      ("Example of data stored", the same structure with expirationTime).
// ---------------------------------------------------------------------------------------------
export const CC = {
  /** GUIDE (beautiful-cookie-banner's documentation), URL-encoded as cookieconsent writes it. */
  documented: {
    value: encodeURIComponent(
      '{"categories":["Technical","Marketing"],"revision":0,"data":null,"consentTimestamp":"2024-11-24T14:12:51.927Z","consentId":"6c6dbf39-f314-4442-bd24-eef9bd2f77d3","services":{"Technical":[],"Marketing":[]},"lastConsentTimestamp":"2024-11-24T14:12:51.927Z","expirationTime":1763993571927}',
    ),
    at: seconds("2024-11-24T14:12:51Z") + DAY,
  },
  /** LIVE (code index file id 20492220659): necessary, analytics, marketing; no expirationTime. */
  analyticsMarketing: {
    value:
      "%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%2C%22marketing%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%2C%22consentId%22%3A%22d532bf02-4c6e-43ea-a713-281ff8cefb2d%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22marketing%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-03-29T14%3A18%3A19.878Z%22%7D",
    at: seconds("2024-03-29T14:18:19Z") + DAY,
  },
  /** LIVE (code index file id 2006776326, chat.mistral.ai): necessary only, revision 1, expirationTime 2025-05-21. */
  necessaryOnly: {
    value:
      "%7B%22categories%22%3A%5B%22necessary%22%5D%2C%22revision%22%3A1%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22consentId%22%3A%2212fd04af-4af6-48a3-8531-b7cf317849d1%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22support%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222024-11-20T19%3A02%3A36.823Z%22%2C%22expirationTime%22%3A1747854156824%7D",
    at: seconds("2024-11-20T19:02:36Z") + DAY,
    expires: 1747854156,
  },
  /** LIVE (code index file id 22285941271, chat.hix.ai): necessary, functional, analytics, advertisement. */
  functionalAnalyticsAds: {
    value:
      "%7B%22categories%22%3A%5B%22necessary%22%2C%22functional%22%2C%22analytics%22%2C%22advertisement%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222025-01-01T07%3A34%3A58.963Z%22%2C%22consentId%22%3A%22b5b97425-c91e-41a6-828e-a0504f76c1b7%22%2C%22services%22%3A%7B%22necessary%22%3A%5B%5D%2C%22functional%22%3A%5B%5D%2C%22analytics%22%3A%5B%5D%2C%22advertisement%22%3A%5B%5D%7D%2C%22lastConsentTimestamp%22%3A%222025-01-01T07%3A34%3A58.963Z%22%2C%22expirationTime%22%3A1751441698964%7D",
    at: seconds("2025-01-01T07:34:58Z") + DAY,
  },
  /** LIVE (code index file id 54859930240, math-gpt.ai): a shorter cookie without services or expirationTime. */
  minimal: {
    value:
      "%7B%22categories%22%3A%5B%22necessary%22%2C%22analytics%22%5D%2C%22revision%22%3A0%2C%22data%22%3Anull%2C%22consentTimestamp%22%3A%222026-05-06T15%3A46%3A43.814Z%22%2C%22consentId%22%3A%22239ff797-fd56-4fdc-b7b7-a22fa75f279f%22%7D",
    at: seconds("2026-05-06T15:46:43Z") + DAY,
  },
};

/** DERIVED from CC.analyticsMarketing: these categories, chosen at `at`, expiring a year later. */
export function ccValue(categories: string[], at: number, revision = 0): string {
  const iso = new Date(at * 1000).toISOString();
  return encodeURIComponent(
    JSON.stringify({
      categories,
      revision,
      data: null,
      consentTimestamp: iso,
      consentId: "d532bf02-4c6e-43ea-a713-281ff8cefb2d",
      services: Object.fromEntries(categories.map((c) => [c, []])),
      lastConsentTimestamp: iso,
      expirationTime: (at + 365 * DAY) * 1000,
    }),
  );
}
