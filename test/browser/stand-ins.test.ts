/**
 * First-party code calling a vendor's globals keeps running behind the gatekeeper. A page ships
 * the vendors' official snippets (test/fixtures/vendors) and its own code that calls what they
 * define: `dataLayer.push`, `gtag()`, `ga()`, `fbq()`, `Intercom()`, `lintrk()`, on load and in a
 * click handler. Without consent the gate removes the snippets; the refused vendors' stand-ins
 * (src/ui/stand-ins.ts) must leave no script error that the same page does not also show when
 * the vendors are merely unreachable, and contact no one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { thirdParty, type Visit, visitsClosedAfterEach } from "./browser";
import { type RecordingOrigin, recordingOrigin } from "./wire";

const FIXTURES = join(__dirname, "..", "fixtures", "vendors");
const snippet = (path: string) => readFileSync(join(FIXTURES, path), "utf8");

const OWN_CODE = `<script>
dataLayer.push({ event: "page_ready" });
document.getElementById("go").addEventListener("click", function () {
  dataLayer.push({ event: "sign_up" });
  gtag("event", "sign_up", { method: "form" });
  ga("send", "event", "form", "submit");
  fbq("track", "Lead");
  Intercom("trackEvent", "signed-up");
  window.lintrk("track", { conversion_id: 1 });
  document.getElementById("go").textContent = "done";
});
</script>`;

const PAGE = `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Oma koodi</title>
${snippet("google-tag-manager/head-snippet.html")}
${snippet("google-analytics/gtag-js.html")}
${snippet("google-analytics/analytics-js-legacy.html")}
${snippet("meta-pixel/base-code.html")}
</head><body><button id="go">go</button>
${snippet("intercom/basic-javascript-visitors.html")}
${snippet("linkedin-insight/insight-tag.html")}
${OWN_CODE}
</body></html>`;

let origin: RecordingOrigin;
beforeAll(async () => {
  origin = await recordingOrigin((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
});
afterAll(async () => {
  await origin?.close();
});

const openVisit = visitsClosedAfterEach();

/** Loads `url` in the visit, clicks the page's own button, and returns every script error. */
async function errorsOn(visit: Visit, url: string): Promise<{ errors: string[]; button: string | null }> {
  const errors: string[] = [];
  visit.page.on("pageerror", (error) => errors.push(error.message));
  await visit.page.goto(url);
  await visit.settle();
  await visit.page.locator("#go").click();
  await visit.page.waitForTimeout(200);
  return { errors, button: await visit.page.locator("#go").textContent() };
}

describe("site code calling refused vendors' globals", () => {
  test("shows no script error the same page does not show when the vendors are unreachable", async () => {
    // The page as the origin sends it, every vendor answering 503.
    const unreachable = await openVisit({
      stubs: (url) =>
        url.hostname === "unfiltered.test"
          ? { status: 200, contentType: "text/html; charset=utf-8", body: PAGE }
          : { status: 503 },
    });
    const baseline = await errorsOn(unreachable, "http://unfiltered.test/oma-koodi");
    expect(baseline.button, "the page's own handler ran with the vendors unreachable").toBe("done");

    // Behind the gatekeeper, no consent: every snippet removed.
    const gated = await openVisit();
    const behind = await errorsOn(gated, gated.url(origin.via("/oma-koodi")));
    expect(behind.errors.filter((e) => !baseline.errors.includes(e))).toEqual([]);
    expect(behind.button, "the page's own click handler ran").toBe("done");
    expect(
      thirdParty(gated.requests).map((r) => r.url.href),
      "the stand-ins contact no one",
    ).toEqual([]);
    const html = await gated.page.content();
    expect(html, "the snippets were removed").not.toContain("fbevents.js");
  });
});
