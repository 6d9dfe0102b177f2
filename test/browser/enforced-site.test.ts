/**
 * A site that switches `csp.mode` to `enforce`, in Chromium, through a gatekeeper
 * built from a copy of the project whose site file says so (variant.ts) and lists a Google tag id
 * among its measurement ids.
 *
 * 1. The origin sends its own CSP (nonces, a style hash, inline scripts that rely on
 *    `'unsafe-inline'`), from a loopback origin this file runs (the stack's `/__via/<port>/` route).
 *    With the gatekeeper's policy enforced beside it, the page still works: its inline scripts and
 *    handlers run, its hashed and nonced styles apply, the gatekeeper's own banner runs under the
 *    origin's nonce; what the origin's policy forbids stays forbidden; and a refused vendor that a
 *    script builds at run time (which HTML rewriting cannot see) is blocked by the browser.
 * 2. With all consent, a Google tag (`gtag/js?id=GT-…&l=dataLayer&cx=c`) loads through
 *    /__gk/ga and its hit arrives there and upstream.
 */
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { giveConsent, type RecordedRequest, requestsOf, Visit } from "./browser";
import { TEST_POLICY_DIR } from "./env";
import { type RunningStack, spawnStack } from "./servers";
import type { UpstreamRecord } from "./stack";
import { type ProjectVariant, projectVariant } from "./variant";
import { GOOGLE_TAG_DESTINATION } from "./vendors";
import { type RecordingOrigin, recordingOrigin } from "./wire";

const NONCE = "R4nd0mN0nce+/Q==";
const HASHED_STYLE = "#styled{color:rgb(0, 128, 0)}";
const STYLE_HASH = createHash("sha256").update(HASHED_STYLE).digest("base64");
/** A refused vendor's loader, its host put together at run time so that no rewriter rule sees it. */
const RUNTIME_LOADER = `var s=document.createElement("script");s.src="https://widget.inter"+"com.io/widget/demoapp1";document.head.appendChild(s);`;

const PAGES: Record<string, { csp: string; html: string }> = {
  // Scripts rely on 'unsafe-inline'; only styles are hashed. Once, the style hash was
  // copied into the gatekeeper's script-src, which switched 'unsafe-inline' off for every script.
  "/unsafe-inline-scripts": {
    csp: `default-src 'self'; script-src 'self' 'unsafe-inline' https:; style-src 'self' 'sha256-${STYLE_HASH}'; img-src 'self' data: https:`,
    html: `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Inline</title>
<style>${HASHED_STYLE}</style><style>#unhashed{color:rgb(255, 0, 0)}</style></head><body>
<p id="styled">styled</p><p id="unhashed">unhashed</p><p id="out">not run</p>
<button id="handler" onclick="this.textContent='handler ran'">press</button>
<script>document.getElementById("out").textContent = "inline ran";</script>
<script src="app.js"></script>
<script>${RUNTIME_LOADER}</script>
</body></html>`,
  },
  // A nonce in default-src only: by the CSP3 fallback list it governs scripts and styles.
  "/nonce-in-default-src": {
    csp: `default-src 'self' 'nonce-${NONCE}' https:; img-src 'self' data: https:`,
    html: `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Nonce</title>
<style nonce="${NONCE}">#styled{color:rgb(0, 0, 255)}</style></head><body>
<p id="styled">styled</p><p id="out">not run</p>
<script nonce="${NONCE}">document.getElementById("out").textContent = "nonced ran";</script>
<script>window.unnonced = true;</script>
<script nonce="${NONCE}">${RUNTIME_LOADER}</script>
</body></html>`,
  },
  // A Google tag id, with the parameters GTM adds, and the site's config for it.
  "/google-tag": {
    csp: "",
    html: `<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Google tag</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=${GOOGLE_TAG_DESTINATION.tag}&amp;l=dataLayer&amp;cx=c"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', '${GOOGLE_TAG_DESTINATION.tag}');</script>
</head><body><p>Google tag</p></body></html>`,
  },
};

let variant: ProjectVariant;
let stack: RunningStack;
let origin: RecordingOrigin;

beforeAll(async () => {
  origin = await recordingOrigin((req, res) => {
    const path = new URL(req.url ?? "/", "http://origin").pathname;
    const page = PAGES[path];
    if (page) {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        ...(page.csp ? { "content-security-policy": page.csp } : {}),
      });
      res.end(page.html);
    } else if (path === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end("window.appLoaded = true;");
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  });
  variant = projectVariant("sites/default.yaml", (text) => {
    const mode = /^(csp:\n\s+mode:[ \t]*)\S+/m;
    const ids = /^measurementIds: \[([^\]\n]*)\]/m;
    if (!mode.test(text) || !ids.test(text))
      throw new Error(
        `${TEST_POLICY_DIR}/sites/default.yaml has no top-level \`csp: mode:\` or \`measurementIds: [...]\` to set`,
      );
    return text.replace(mode, "$1enforce").replace(ids, `measurementIds: [$1, ${GOOGLE_TAG_DESTINATION.tag}]`);
  });
  try {
    stack = await spawnStack({ root: variant.root });
  } catch (error) {
    variant.remove();
    throw error;
  }
});

afterAll(async () => {
  await stack?.stop();
  variant?.remove();
  await origin?.close();
});

let current: Visit | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function open(): Promise<Visit> {
  current = await Visit.open({ gatekeeper: { port: stack.gatekeeperPort } });
  return current;
}

const text = (visit: Visit, selector: string) => visit.page.locator(selector).textContent();
const color = (visit: Visit, selector: string) =>
  visit.page.locator(selector).evaluate((el) => getComputedStyle(el).color);
const blocked = (requests: RecordedRequest[]) =>
  requestsOf(requests, "intercom").map((r) => `${r.url.hostname} ${r.status ?? "no response"}: ${r.failure}`);

describe("the origin's own CSP beside the gatekeeper's, enforced", () => {
  test("inline scripts on 'unsafe-inline', hashed styles: the page works, the refused vendor is blocked", async () => {
    const visit = await open();
    const path = origin.via("/unsafe-inline-scripts");
    const [response] = await Promise.all([
      visit.page.waitForResponse((r) => r.url() === visit.url(path) && r.request().isNavigationRequest()),
      giveConsent(visit, ["analytics"], path),
    ]);
    await visit.settle();
    // Both policies enforced: the origin's, untouched, then the gatekeeper's.
    const policies = (await response.headerValues("content-security-policy")).join(", ");
    expect(policies.startsWith(`${PAGES["/unsafe-inline-scripts"]!.csp}, default-src 'self'`), policies).toBe(true);
    expect(await response.headerValues("content-security-policy-report-only")).toEqual([]);

    expect(await text(visit, "#out"), "the page's inline script ran").toBe("inline ran");
    await visit.page.locator("#handler").click();
    expect(await text(visit, "#handler"), "the page's inline event handler ran").toBe("handler ran");
    expect(await visit.page.evaluate(() => (window as any).appLoaded), "its own script file loaded").toBe(true);
    expect(await color(visit, "#styled"), "the hashed style applies").toBe("rgb(0, 128, 0)");
    expect(await color(visit, "#unhashed"), "what the origin's policy forbids stays forbidden").not.toBe(
      "rgb(255, 0, 0)",
    );
    expect(blocked(visit.requests), "the refused vendor's runtime-built script").toEqual([
      "widget.intercom.io no response: csp",
    ]);
    // Only the gatekeeper's inert stand-in for the refused vendor's global: no widget, nothing queued.
    expect(
      await visit.page.evaluate(() => {
        const ic = (window as any).Intercom;
        return typeof ic === "function" && !("c" in ic) && !ic.booted && ic.q === undefined;
      }),
    ).toBe(true);
  });

  test("a nonce in default-src only: nonced scripts and styles run, the banner runs under it, the vendor is blocked", async () => {
    const visit = await open();
    const path = origin.via("/nonce-in-default-src");
    await visit.visit(path);
    // No consent yet: the gatekeeper's banner, its style and script carrying the origin's nonce.
    expect(await visit.page.locator("#gk-banner").evaluate((el) => getComputedStyle(el).position)).toBe("fixed");
    expect(await visit.page.evaluate(() => document.activeElement?.id), "the banner's script ran").toBe("gk-banner");
    expect(await text(visit, "#out")).toBe("nonced ran");
    expect(await visit.page.evaluate(() => (window as any).unnonced), "a script without the nonce").toBeUndefined();
    expect(await color(visit, "#styled")).toBe("rgb(0, 0, 255)");
    expect(blocked(visit.requests)).toEqual(["widget.intercom.io no response: csp"]);

    // With functional allowed the same runtime-built loader is the visitor's choice, and loads.
    await giveConsent(visit, ["functional"], path);
    await visit.settle();
    expect(await text(visit, "#out")).toBe("nonced ran");
    await expect
      .poll(() => visit.page.evaluate(() => Boolean((window as any).Intercom?.booted)), {
        message: "the allowed widget booted",
      })
      .toBe(true);
  });
});

describe("a Google tag (GT-) with all consent", () => {
  test("gtag/js?id=GT-…&l=dataLayer&cx=c loads through /__gk/ga and its hit arrives there and upstream", async () => {
    const visit = await open();
    const path = origin.via("/google-tag");
    await visit.visit(path);
    const start = visit.mark();
    await giveConsent(visit, ["all"], path);
    await visit.settle();
    const firstParty = (p: string) =>
      visit.since(start).filter((r) => r.url.origin === visit.origin && r.url.pathname === p);
    expect(
      firstParty("/__gk/ga/gtag/js").map((r) => `${r.url.search} ${r.status}`),
      "the Google tag, first-party",
    ).toEqual([`?id=${GOOGLE_TAG_DESTINATION.tag}&l=dataLayer&cx=c 200`]);
    await expect
      .poll(() => firstParty("/__gk/ga/g/collect").filter((r) => r.status === 204).length, {
        message: "a hit answered 204 at /__gk/ga/g/collect",
      })
      .toBeGreaterThan(0);
    const hits = firstParty("/__gk/ga/g/collect");
    expect(hits.every((r) => r.url.searchParams.get("tid") === GOOGLE_TAG_DESTINATION.measurementId)).toBe(true);
    expect(
      visit.since(start).filter((r) => r.url.hostname === "www.googletagmanager.com"),
      "gtag.js from Google's host",
    ).toEqual([]);

    const upstream = (await (await fetch(`${stack.upstream}/__records`)).json()) as UpstreamRecord[];
    expect(
      upstream.filter((r) => r.path === "/gtag/js").map((r) => r.query),
      "what the edge fetched from Google",
    ).toContain(`?id=${GOOGLE_TAG_DESTINATION.tag}&l=dataLayer&cx=c`);
    expect(
      upstream.filter((r) => r.path === "/g/collect" && r.query.includes(`tid=${GOOGLE_TAG_DESTINATION.measurementId}`))
        .length,
      "the hit the edge forwarded",
    ).toBeGreaterThan(0);
  });
});
