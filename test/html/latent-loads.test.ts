/**
 * Loads that real sites ship in shapes other than `src`: vendor URL families beyond the snippet's
 * own host (Meta's /tr on every facebook.com host, Google Ads on Google's country domains), and
 * removal no wider than the vendor's part. Each case runs through the real app in one chunk and
 * byte by byte, and the output is checked by the parse5 oracle (test/helpers/vendor-oracle.ts).
 */
import { describe, expect, it } from "vitest";
import { SITE } from "../helpers/gate";
import { bytewise, expectPage, runGate, utf8 } from "../helpers/streaming";
import { refusedContacts } from "../helpers/vendor-oracle";
import { ALL_PURPOSES } from "./golden-cases";

const NONE: readonly string[] = [];
const ALL: readonly string[] = ALL_PURPOSES;
const PAGE = new URL("/", SITE);

async function gate(input: string, allow: readonly string[]): Promise<string> {
  const whole = await runGate([utf8(input)], { allow });
  expect(whole.status).toBe(200);
  const bytes = await runGate(bytewise(utf8(input)), { allow });
  expect(bytes.text, "output depends on chunking").toBe(whole.text);
  expect(refusedContacts(whole.text, PAGE, allow)).toEqual([]);
  return whole.page;
}

/** `input` becomes `refused` without consent and passes whole with every purpose allowed. */
async function expectGate(input: string, refused: string, refusedWith: readonly string[] = NONE) {
  expectPage(await gate(input, refusedWith), refused);
  expectPage(await gate(input, ALL), input);
}

describe("vendor URL families", () => {
  it.each([
    ["Meta Pixel on facebook.com", "https://facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"],
    ["Meta Pixel on web.facebook.com", "https://web.facebook.com/tr?id=123456789012345&ev=PageView"],
    ["Google Ads on a country domain", "https://www.google.fi/pagead/1p-user-list/123456789/?random=1"],
    ["Google Ads on a two-level country domain", "https://www.google.co.uk/pagead/1p-conversion/123456789/"],
    ["Google Ads conversion measurement", "https://www.google.com/measurement/conversion/?random=1&cv=11"],
    ["LinkedIn Insight on www.linkedin.com", "https://www.linkedin.com/px/li_sync?pid=1234567"],
  ])("%s is removed without marketing", async (_name, url) => {
    const tag = `<img height="1" width="1" style="display:none" alt="" src="${url.replace(/&/g, "&amp;")}">`;
    await expectGate(`<p>a</p>${tag}<p>b</p>`, "<p>a</p><p>b</p>", ["analytics", "functional", "social"]);
  });

  it("leaves facebook.com pages and Google's other paths on country domains alone", async () => {
    const input = `<a href="https://facebook.com/kevytpankki">fb</a><img src="https://www.google.fi/images/x.png" alt="">`;
    await expectGate(input, input);
  });
});
