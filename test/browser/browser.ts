/**
 * One visitor: a fresh headless Chromium (its own user-data-dir) whose every request is recorded,
 * and whose third-party requests are answered by the vendor stubs. Chromium's host resolver maps
 * the site's name to loopback and every other name to a local sinkhole, so nothing can reach the
 * internet, and a connection that escaped request routing (a preconnect, say) is recorded too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page, type Request } from "playwright-core";
import { afterEach, expect, inject } from "vitest";
import { CHROMIUM, isNecessaryCookie, POLICY, SITE_HOST } from "./env";
import type { UpstreamRecord } from "./stack";
import { type StubResponse, stubFor, type VendorId, vendorOf } from "./vendors";

export const siteOrigin = () => `http://${SITE_HOST}:${inject("gatekeeperPort")}`;

export interface RecordedRequest {
  url: URL;
  method: string;
  resourceType: string;
  /** The response's status, once there is one (route-fulfilled responses included). */
  status?: number;
  /** Why the request failed, when it did (`net::ERR_BLOCKED_BY_CSP`, say). */
  failure?: string;
}

export interface VisitOptions {
  javaScriptEnabled?: boolean;
  /** Sets Accept-Language; Finnish unless given. */
  locale?: string;
  extraHTTPHeaders?: Record<string, string>;
  /** Another gatekeeper than the suite's (one built from a policy variant, say): its port, and https or not. */
  gatekeeper?: { port: number; https?: boolean };
  /** Playwright's bypassCSP, for injecting test scripts (axe) into pages with an enforced CSP. */
  bypassCSP?: boolean;
  /** Answers for third-party URLs ahead of the vendor stubs (null: the vendor stub answers). */
  stubs?: (url: URL, resourceType: string) => StubResponse | null;
  /** More Chromium switches. */
  args?: string[];
}

/** A same-origin page holding the contract's consent form (see giveConsent); never reaches the gatekeeper. */
const CONSENT_FORM_PATH = "/__browser-test__/consent-form";

export class Visit {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    /** The gatekeeper's origin as the browser sees it. */
    readonly origin: string,
    readonly context: BrowserContext,
    readonly page: Page,
    /** Host names (TLS SNI or Host header) of connections that reached the sinkhole. */
    readonly escaped: string[],
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async open(options: VisitOptions = {}): Promise<Visit> {
    const escaped: string[] = [];
    const sink = await startSinkhole(escaped);
    const userDataDir = mkdtempSync(join(tmpdir(), "gk-chromium-"));
    const sinkPort = (sink.address() as { port: number }).port;
    let context: BrowserContext;
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--host-resolver-rules=MAP ${SITE_HOST} 127.0.0.1, MAP * 127.0.0.1:${sinkPort}`,
          ...(options.args ?? []),
        ],
        javaScriptEnabled: options.javaScriptEnabled ?? true,
        locale: options.locale ?? "fi-FI",
        extraHTTPHeaders: options.extraHTTPHeaders,
        bypassCSP: options.bypassCSP ?? false,
        // A https gatekeeper has Miniflare's self-signed certificate.
        ignoreHTTPSErrors: options.gatekeeper?.https ?? false,
        viewport: { width: 1280, height: 800 },
      });
    } catch (error) {
      sink.close();
      rmSync(userDataDir, { recursive: true, force: true });
      throw error;
    }
    const cleanup = async () => {
      await context.close().catch(() => {});
      await new Promise((ok) => sink.close(ok));
      rmSync(userDataDir, { recursive: true, force: true });
    };
    try {
      // Fail in seconds, not Playwright's 30 s, when an element the test expects is not there.
      context.setDefaultTimeout(10_000);
      const page = context.pages()[0] ?? (await context.newPage());
      const gatekeeper = options.gatekeeper;
      const origin = gatekeeper
        ? `${gatekeeper.https ? "https" : "http"}://${SITE_HOST}:${gatekeeper.port}`
        : siteOrigin();
      const visit = new Visit(origin, context, page, escaped, cleanup);
      await visit.routeAndRecord(options.stubs);
      return visit;
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  private async routeAndRecord(stubs: VisitOptions["stubs"]) {
    const origin = this.origin;
    const records = new WeakMap<Request, RecordedRequest>();
    this.context.on("request", (request) => {
      const url = new URL(request.url());
      if (url.protocol !== "http:" && url.protocol !== "https:") return; // data:, blob: are not network
      const record = { url, method: request.method(), resourceType: request.resourceType() };
      records.set(request, record);
      this.requests.push(record);
    });
    this.context.on("response", (response) => {
      const record = records.get(response.request());
      if (record) record.status = response.status();
    });
    this.context.on("requestfailed", (request) => {
      const record = records.get(request);
      if (record) record.failure = request.failure()?.errorText ?? "failed";
    });
    await this.context.route("**/*", async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      if (url.origin === origin && url.pathname === CONSENT_FORM_PATH) {
        await route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: consentFormPage(url) });
      } else if (url.origin === origin) {
        await route.continue();
      } else {
        const stub = stubs?.(url, request.resourceType()) ?? stubFor(url, request.resourceType());
        await route.fulfill({
          status: stub.status,
          contentType: stub.contentType,
          body: stub.body,
          headers: { "access-control-allow-origin": origin, "access-control-allow-credentials": "true" },
        });
      }
    });
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Loads a site page and waits until the network is quiet. */
  async visit(path: string) {
    const response = await this.page.goto(this.url(path));
    await this.settle();
    return response;
  }

  /** Network idle, plus a little for timers and `load` handlers (Intercom loads on `load`). */
  async settle() {
    await this.page.waitForLoadState("networkidle");
    await this.page.waitForTimeout(300);
  }

  /** Index into `requests`, for "everything after this point". */
  mark(): number {
    return this.requests.length;
  }

  since(mark: number): RecordedRequest[] {
    return this.requests.slice(mark);
  }

  async cookieNames(): Promise<string[]> {
    return (await this.context.cookies()).map((c) => c.name).sort();
  }

  async consentCookie(): Promise<string | null> {
    return (await this.context.cookies()).find((c) => c.name === POLICY.consentCookie)?.value ?? null;
  }

  /** The purposes the consent cookie records, or null without one. */
  async consentedPurposes(): Promise<string[] | null> {
    const value = await this.consentCookie();
    if (value === null) return null;
    const purposes = value.split(".")[2];
    expect(purposes, `consent cookie ${value} is not <format>.<version>.<purposes>.<issued>.<id>`).toBeTruthy();
    return purposes!.split("-").sort();
  }

  /** Connections that escaped request routing to a vendor's host (Chromium's own background traffic aside). */
  escapedToVendors(): string[] {
    return this.escaped.filter((host) => vendorOf(new URL(`https://${host}`)) !== null);
  }

  async close() {
    await this.cleanup();
  }
}

/** A test file's way to open visits: each is closed after the test that opened it (registers the afterEach). */
export function visitsClosedAfterEach(): (options?: VisitOptions) => Promise<Visit> {
  let visits: Visit[] = [];
  afterEach(async () => {
    await Promise.all(visits.map((v) => v.close()));
    visits = [];
  });
  return async (options) => {
    const visit = await Visit.open(options);
    visits.push(visit);
    return visit;
  };
}

/** gtag.js for the demo's GA4 property, wherever it came from (the vendor's host, or /__gk/ga when first-party). */
export const gtagLoads = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.url.pathname.endsWith("/gtag/js") && r.url.searchParams.get("id") === "G-DEMO12345");

/** GA4 page_view hits, wherever they went. */
export const gaHits = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.url.pathname.endsWith("/g/collect") && r.url.searchParams.get("en") === "page_view");

/** Requests to any origin but the site's. */
export function thirdParty(requests: RecordedRequest[]): RecordedRequest[] {
  const origin = siteOrigin();
  return requests.filter((r) => r.url.origin !== origin);
}

export const show = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.url.href}`);

/** Requests per vendor (third-party hosts no vendor uses count under "other"). */
export function byVendor(requests: RecordedRequest[]): Partial<Record<VendorId | "other", number>> {
  const counts: Partial<Record<VendorId | "other", number>> = {};
  for (const r of thirdParty(requests)) {
    const vendor = vendorOf(r.url) ?? "other";
    counts[vendor] = (counts[vendor] ?? 0) + 1;
  }
  return counts;
}

export function requestsOf(requests: RecordedRequest[], vendor: VendorId): RecordedRequest[] {
  return thirdParty(requests).filter((r) => vendorOf(r.url) === vendor);
}

/** One line per scenario in the test output: the counts a reader of the run checks. */
export function report(scenario: string, requests: RecordedRequest[], cookies: string[]) {
  const third = thirdParty(requests).length;
  const vendors = Object.entries(byVendor(requests))
    .map(([v, n]) => `${v} ${n}`)
    .join(", ");
  const origin = siteOrigin();
  const gk = requests.filter((r) => r.url.origin === origin && r.url.pathname.startsWith("/__gk/ga/")).length;
  console.log(
    `[browser] ${scenario}: first-party ${requests.length - third}${gk ? ` (${gk} to /__gk/ga)` : ""}, ` +
      `third-party ${third}${vendors ? ` (${vendors})` : ""}; cookies: ${cookies.join(", ") || "none"}`,
  );
}

/** Cookies the policy does not declare as strictly necessary. */
export async function unnecessaryCookies(visit: Visit): Promise<string[]> {
  return (await visit.cookieNames()).filter((name) => !isNecessaryCookie(name));
}

const allowButton = (allow: string) => `:is(button, input[type="submit"])[name="allow"][value="${allow}"]`;

/**
 * The banner the contract describes: inside a `data-gatekeeper` element, the consent form with
 * both an allow=all and an allow=none button (a placeholder's one-purpose form is not the banner).
 */
export function bannerForm(page: Page): Locator {
  return page
    .locator('[data-gatekeeper] form[method="post" i][action*="/__gk/consent"]')
    .filter({ has: page.locator(allowButton("all")) })
    .filter({ has: page.locator(allowButton("none")) });
}

export function bannerButton(page: Page, allow: "all" | "none"): Locator {
  return bannerForm(page).locator(allowButton(allow));
}

/** Everything the gatekeeper sent to vendor upstreams so far (stack.ts records it). */
export async function upstreamRecords(): Promise<UpstreamRecord[]> {
  return (await fetch(`${inject("upstreamUrl")}/__records`)).json() as Promise<UpstreamRecord[]>;
}

/**
 * Gives consent the way a visitor would. `all` / `none` use the banner's button when the page
 * shows one; anything else (or a page without a banner yet) goes through a same-origin page that
 * holds the contract's plain form (`POST /__gk/consent`), submitted with a real click, so it works
 * with JavaScript off and sends the browser's own Origin and Sec-Fetch-Site.
 */
export async function giveConsent(
  visit: Visit,
  allow: readonly string[],
  returnPath = "/",
): Promise<"banner" | "contract form"> {
  const single = allow.length === 1 && (allow[0] === "all" || allow[0] === "none") ? allow[0] : null;
  if (single) {
    const button = bannerButton(visit.page, single);
    if ((await button.count()) > 0) {
      const before = await visit.consentCookie();
      await button.first().click();
      await expect
        .poll(() => visit.consentCookie(), { message: `the banner's allow=${single} button set no consent cookie` })
        .not.toBe(before);
      await visit.page.waitForLoadState("load");
      return "banner";
    }
  }
  const query = new URLSearchParams([...allow.map((a) => ["allow", a]), ["return", returnPath]]);
  await visit.page.goto(visit.url(`${CONSENT_FORM_PATH}?${query}`));
  await Promise.all([visit.page.waitForURL(visit.url(returnPath)), visit.page.locator("#gk-test-submit").click()]);
  return "contract form";
}

function consentFormPage(url: URL): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const fields = [...url.searchParams]
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join("\n");
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Consent form (browser test)</title>
<form method="post" action="/__gk/consent">
${fields}
<button id="gk-test-submit" type="submit">Save</button>
</form></html>`;
}

/** A TCP listener that records which host each connection was meant for, then drops it. */
async function startSinkhole(escaped: string[]): Promise<Server> {
  const server = createServer((socket) => {
    let data = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      // A TLS record (the ClientHello) may arrive in pieces: wait for all of it.
      if (data[0] === 0x16 && (data.length < 5 || data.length < 5 + data.readUInt16BE(3))) return;
      escaped.push(tlsServerName(data) ?? httpHost(data) ?? "unknown");
      socket.destroy();
    });
    socket.on("error", () => {});
    socket.setTimeout(5_000, () => socket.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return server;
}

function httpHost(data: Buffer): string | null {
  const line = data
    .toString("latin1")
    .split("\r\n")
    .find((l) => /^host:/i.test(l));
  return line ? line.slice(5).trim().replace(/:\d+$/, "") : null;
}

/** The server_name of a TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 §3), or null. */
function tlsServerName(data: Buffer): string | null {
  try {
    if (data[0] !== 0x16 || data[5] !== 0x01) return null;
    let p = 9 + 2 + 32; // record header, handshake header, version, random
    p += 1 + data[p]!; // session id
    p += 2 + data.readUInt16BE(p); // cipher suites
    p += 1 + data[p]!; // compression methods
    const end = p + 2 + data.readUInt16BE(p);
    p += 2;
    while (p + 4 <= end) {
      const type = data.readUInt16BE(p);
      const length = data.readUInt16BE(p + 2);
      if (type === 0) {
        const nameLength = data.readUInt16BE(p + 7);
        return data.subarray(p + 9, p + 9 + nameLength).toString("latin1");
      }
      p += 4 + length;
    }
  } catch {
    // Not a ClientHello we can read.
  }
  return null;
}
