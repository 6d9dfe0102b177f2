/** Personal-data detectors, User-Agent reduction and address truncation: pure, table-driven. */
import { describe, expect, it } from "vitest";
import { truncateIp } from "../../src/beacon/ip";
import { findPii, PII_DETECTORS } from "../../src/beacon/pii";
import { reduceUserAgent, UNKNOWN_AGENT } from "../../src/beacon/user-agent";

describe("findPii()", () => {
  it.each([
    ["matti.meikalainen@example.fi", "email"],
    ["Contact: MATTI@EXAMPLE.CO.UK", "email"],
    ["https://kevyt.example/u/matti%40example.fi", "email"],
    ["https://kevyt.example/u/matti%2540example.fi", "email"],
    ["131052-308T", "hetu"],
    ["hetu 010101A123N here", "hetu"],
    ["020202+1234", "hetu"],
    ["+358 40 123 4567", "phone"],
    ["+358401234567", "phone"],
    ["00358 9 1234 567", "phone"],
    ["040 123 4567", "phone"],
    ["09-1234567", "phone"],
    ["FI21 1234 5600 0007 85", "iban"],
    ["FI2112345600000785", "iban"],
    ["tili DE89 3704 0044 0532 0130 00.", "iban"],
  ])("%s is %s", (value, kind) => {
    expect(findPii(value, PII_DETECTORS)).toBe(kind);
  });
  it.each([
    "How Google Analytics Collects Data - AnalyticsMarket",
    "https://kevyt.example/blog/how-google-analytics-collects-data/",
    "Laina 2025 – hae 5000 euroa",
    "page_view",
    "1691096027",
    "G-DEMO12345",
    "FI21 1234 5600 0007 86", // wrong check digits
    "321352-308T", // no month 13
    "https://kevyt.example/@team",
    "v1.2.3.4",
  ])("%s is not personal data", (value) => {
    expect(findPii(value, PII_DETECTORS)).toBeNull();
  });
  it("runs only the detectors asked for", () => {
    expect(findPii("matti@example.fi", ["phone", "iban"])).toBeNull();
  });
});

describe("reduceUserAgent()", () => {
  it.each([
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.7258.67 Safari/537.36",
      "Mozilla/5.0 (compatible; Chrome/139)",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
      "Mozilla/5.0 (compatible; Edge/131)",
    ],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Mozilla/5.0 (compatible; Firefox/128)"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (compatible; Safari/17)",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
      "Mozilla/5.0 (compatible; SamsungBrowser/25)",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0",
      "Mozilla/5.0 (compatible; Opera/106)",
    ],
    ["curl/8.5.0", UNKNOWN_AGENT],
    [null, UNKNOWN_AGENT],
  ])("%s → %s", (input, output) => {
    expect(reduceUserAgent(input)).toBe(output);
  });
});

describe("truncateIp()", () => {
  it.each([
    ["203.0.113.77", "203.0.113.0"],
    ["198.51.100.023", "198.51.100.0"],
    ["2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"],
    ["2001:DB8::1", "2001:db8:0::"],
    ["::ffff:192.0.2.1", "0:0:0::"],
    ["::1", "0:0:0::"],
  ])("%s → %s", (input, output) => {
    expect(truncateIp(input)).toBe(output);
  });
  it.each(["", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "1::2::3", "example.fi", null])("%s → null", (input) => {
    expect(truncateIp(input)).toBeNull();
  });
});

describe("findPii() on values as long as the body cap allows", () => {
  it.each([
    ["letters", "a".repeat(64 * 1024)],
    ["at signs", "a@".repeat(32 * 1024)],
    ["digits", "1".repeat(64 * 1024)],
    ["IBAN-like", `FI21${" 1234".repeat(12 * 1024)}`],
    ["dots", "a.".repeat(32 * 1024)],
    ["percent escapes", "%25".repeat(20 * 1024)],
  ])("%s: linear time", (_name, value) => {
    const started = Date.now();
    findPii(value, PII_DETECTORS);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
