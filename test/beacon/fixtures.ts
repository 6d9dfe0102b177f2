/**
 * Real gtag (GA4) hits, and where each comes from.
 *
 * Google documents gtag's parameters and configuration, but not the wire format of
 * `/g/collect` hits, so the hit strings themselves are captures published by others, checked
 * against what Google does document. Research 2026-11-29 with the offline search tool (stored
 * copies of public pages, nothing fetched live).
 *
 * Google's documentation used:
 * - Measurement Protocol (Universal Analytics) parameter reference, for the names gtag kept:
 *   `v`, `tid`, `cid`, `uid` (User ID), `uip` (IP Override), `ua` (User Agent Override), `dl`,
 *   `dr`, `dt`, `ul`, `sr`, `z`:
 *   https://developers.google.com/analytics/devguides/collection/protocol/v1/parameters
 * - the same protocol's batch format, "each payload on its own line", which gtag's POST bodies
 *   follow: https://developers.google.com/analytics/devguides/collection/protocol/v1/devguide
 * - the cross-domain linker, a `_gl` query parameter on page URLs (`https://www.example.com/?_gl=1~abcde5~`):
 *   https://developers.google.com/tag-platform/devguides/cross-domain
 * - gtag's `server_container_url` / `transport_url`, which send hits to `<url>/g/collect`:
 *   https://developers.google.com/tag-platform/tag-manager/server-side/send-data?option=gtag
 * - consent-mode state on every hit (`gcs`, `gcd`; also `npa`, `dma`) as server-side tagging
 *   receives it: https://developers.google.com/tag-platform/tag-manager/server-side/immutable-parameters
 * - user_id and user properties (sent by gtag as `uid` and `up.<name>`; the wire names are not
 *   in Google's pages, from memory): https://developers.google.com/analytics/devguides/collection/ga4/user-id,
 *   https://developers.google.com/analytics/devguides/collection/ga4/user-properties
 *
 * Changes in all fixtures: measurement ids → `G-DEMO12345`; hosts → the test site `kevyt.example`.
 */

export const SITE_ORIGIN = "https://kevyt.example";

/**
 * A GA4 page_view sent by gtag as a GET, with the User-Agent client hints (`uaa` … `uaw`).
 * Source: "Example: GA4 request" in https://www.analyticsmarket.com/blog/__utmgif-data (stored
 * copy; the page prints `&gtm` as `>m`, an HTML-decoding slip, restored here).
 * Changes: tid, and dl's host www.analyticsmarket.com → kevyt.example.
 */
export const PAGE_VIEW_GET =
  "v=2&tid=G-DEMO12345&gtm=45je4620&_p=102644968&cid=1489945657.1691089601&ul=en-us&sr=1920x1080&uaa=x86&uab=64" +
  "&uafvl=Not_A%2520Brand%3B99.0.0.0%7CGoogle%2520Chrome%3B109.0.5414.120%7CChromium%3B109.0.5414.120" +
  "&uamb=0&uam=&uap=Windows&uapv=0.1.0&uaw=0&_s=1&sid=1691096027&sct=3&seg=0" +
  "&dl=https%3A%2F%2Fkevyt.example%2Fblog%2Fhow-google-analytics-collects-data%2F" +
  "&dt=How%20Google%20Analytics%20Collects%20Data%20-%20AnalyticsMarket&en=page_view&_ss=1&_ee=1";

/**
 * A GA4 POST as gtag batches it: shared parameters in the query, one event per body line.
 * Source: https://github.com/aawnu/php-ga4/issues/5 ("GET Parameters" and "Body Parameters" of
 * a captured gtag PageView request). Changes: tid `G-XXXXX` → G-DEMO12345; dl and dr
 * `http://127.0.0.1/` → the test site.
 */
export const BATCH_QUERY =
  "v=2&tid=G-DEMO12345&gtm=2oe7d0&_p=1486226803&_z=ccd.v9B&cid=00000.000000&ul=en-us&sr=1920x1080" +
  "&sid=1657899578&sct=3&seg=1&dl=https%3A%2F%2Fkevyt.example%2F&dr=https%3A%2F%2Fkevyt.example%2F&dt=Chttr.link&_s=1";
export const BATCH_BODY = "en=page_view&_ee=1\r\nen=scroll&epn.percent_scrolled=90&_et=8";

/**
 * Derived, not captured: the page_view above as a site that sets `user_id` and a user property
 * would send it, landing from a cross-domain link (`_gl`, Google's own example value) with
 * campaign tags and an email in the URL, with an event parameter of each personal-data kind.
 * Personal data are widely published examples (from memory, not a Google source): henkilötunnus
 * 131052-308T (valid check character), IBAN FI21 1234 5600 0007 85 (valid check digits), phone
 * +358 40 123 4567.
 */
export const IDENTIFYING_GET =
  "v=2&tid=G-DEMO12345&gtm=45je4620&_p=102644968&cid=1489945657.1691089601&uid=customer-8841&_uip=203.0.113.77" +
  "&ul=fi-fi&sr=1920x1080&_s=2&sid=1691096027&sct=3&seg=1" +
  "&dl=https%3A%2F%2Fkevyt.example%2Flaina%3F_gl%3D1~abcde5~%26utm_source%3Dnewsletter%26utm_medium%3Demail%26email%3Dmatti.meikalainen%2540example.fi%23hakemus" +
  "&dr=https%3A%2F%2Fwww.example.com%2Fsearch%3Fq%3Dpikavippi" +
  "&dt=Laina&en=generate_lead&up.customer_tier=gold&upn.age=41" +
  "&ep.contact=matti.meikalainen%40example.fi&ep.hetu=131052-308T&ep.phone=%2B358%2040%20123%204567" +
  "&ep.iban=FI21%201234%205600%200007%2085&ep.form=loan_application&epn.amount=5000";

/** What Chrome 109 on Windows sends with such hits (reduced UA string, plus its client hints). */
export const CHROME_HEADERS: Record<string, string> = {
  "user-agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36",
  "sec-ch-ua": '"Not_A Brand";v="99", "Google Chrome";v="109", "Chromium";v="109"',
  "sec-ch-ua-mobile": "?0",
  "sec-ch-ua-platform": '"Windows"',
  "accept-language": "fi-FI,fi;q=0.9,en;q=0.8",
  referer: `${SITE_ORIGIN}/laina?utm_source=newsletter&email=matti%40example.fi`,
  cookie: "_ga=GA1.1.1489945657.1691089601; _ga_DEMO12345=GS1.1.1691096027.3.1.1691096100.0.0.0; session=s3cr3t",
  "cf-connecting-ip": "198.51.100.23",
  "x-forwarded-for": "198.51.100.23, 10.0.0.1",
  "x-real-ip": "198.51.100.23",
  "true-client-ip": "198.51.100.23",
  forwarded: "for=198.51.100.23;proto=https",
};
