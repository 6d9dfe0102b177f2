/**
 * The CSP in a browser: an allowed GTM container injects tags of vendors whose purpose the
 * visitor refused, which HTML rewriting cannot see. The visitor allows analytics and marketing
 * (GTM is marketing; analytics too, since www.googletagmanager.com is also GA's host and a refused
 * vendor's hosts never enter the CSP); the stub container (vendors.ts) then loads the Intercom
 * widget (functional) and Elfsight's platform (social), both refused.
 *
 * Two gatekeepers, each built from a copy of the project whose policies/sites/default.yaml sets
 * `csp.mode` (variant.ts; the repo's policies/ are untouched), with their stdout captured:
 * under `enforce` the browser blocks both scripts (no request reaches their stubs), under
 * `report-only` they load; either way the browser's violation reports arrive at
 * /__gk/csp-report, the worker logs one `{"gk":"csp-violation",...}` line per violation with the
 * blocked host, vendor and purpose, and `npm run csp:report` over those lines counts them.
 *
 * These two gatekeepers serve https (Miniflare's self-signed certificate): for a policy with
 * `report-to`, Chromium sends reports only through the Reporting API (never to `report-uri`),
 * and takes the `Reporting-Endpoints` header only from an https response. Over plain http it
 * sends none at all. The reports are posted by the browser's network service, outside the page,
 * so Playwright does not see them: the worker's log lines are the proof that they arrived.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { summarise } from "../../scripts/csp-report";
import { giveConsent, requestsOf, Visit } from "./browser";
import { ROOT } from "./env";
import { type RunningStack, spawnStack } from "./servers";
import { cspModeVariant, type ProjectVariant } from "./variant";
import { GTM_CONTAINER_OTHER_PURPOSES_JS, type StubResponse, type VendorId, vendorOf } from "./vendors";

type Mode = "enforce" | "report-only";
const MODES: Mode[] = ["enforce", "report-only"];

interface ModeStack {
  stack: RunningStack;
  variant: ProjectVariant;
  stdout: string;
}
const stacks = new Map<Mode, ModeStack>();

beforeAll(async () => {
  const start = async (mode: Mode) => {
    const variant = cspModeVariant(mode);
    const entry = { variant, stdout: "" } as ModeStack;
    try {
      entry.stack = await spawnStack({
        root: variant.root,
        https: true,
        onStdout: (chunk) => (entry.stdout += chunk),
      });
    } catch (error) {
      variant.remove();
      throw error;
    }
    stacks.set(mode, entry);
  };
  // Both at once; if one fails, afterAll stops the other.
  const results = await Promise.allSettled(MODES.map(start));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
});

afterAll(async () => {
  await Promise.all(
    [...stacks.values()].map(async ({ stack, variant }) => {
      await stack.stop();
      variant.remove();
    }),
  );
});

let current: Visit | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** The violation lines the worker logged, parsed. */
function violations(stdout: string): Array<Record<string, string>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith('{"gk":"csp-violation"'))
    .map((line) => JSON.parse(line));
}

const REFUSED: Array<{ vendor: VendorId; host: string; purpose: string }> = [
  { vendor: "intercom", host: "widget.intercom.io", purpose: "functional" },
  { vendor: "elfsight", host: "static.elfsight.com", purpose: "social" },
];

const execFileAsync = promisify(execFile);

for (const mode of MODES) {
  test(`csp.mode ${mode}: what an allowed GTM injects for refused purposes is ${mode === "enforce" ? "blocked" : "loaded"}, and reported and counted`, async () => {
    const entry = stacks.get(mode)!;
    // Requests that reached a vendor stub, per host (a request the CSP blocks never gets here).
    const stubbed = new Map<string, number>();
    const stubs = (url: URL): StubResponse | null => {
      stubbed.set(url.hostname, (stubbed.get(url.hostname) ?? 0) + 1);
      if (url.hostname === "www.googletagmanager.com" && url.pathname === "/gtm.js")
        return { status: 200, contentType: "text/javascript; charset=utf-8", body: GTM_CONTAINER_OTHER_PURPOSES_JS };
      return null;
    };
    const visit = await Visit.open({
      gatekeeper: { port: entry.stack.gatekeeperPort, https: true },
      stubs,
      // Reports go out at once instead of in the Reporting API's per-minute batch.
      args: ["--short-reporting-delay"],
    });
    current = visit;
    await visit.visit("/");
    const logBefore = entry.stdout.length;
    // The page the consent post returns to: GTM loads on it, and its container runs.
    const [response] = await Promise.all([
      visit.page.waitForResponse((r) => r.url() === visit.url("/") && r.request().isNavigationRequest()),
      giveConsent(visit, ["analytics", "marketing"]),
    ]);
    await visit.settle();
    expect(await visit.consentedPurposes()).toEqual(["analytics", "marketing", "necessary"]);

    // The header the variant asked for, with GTM's host and without the refused vendors'.
    const headers = response.headers();
    const [header, other] =
      mode === "enforce"
        ? ["content-security-policy", "content-security-policy-report-only"]
        : ["content-security-policy-report-only", "content-security-policy"];
    expect(headers[other], `${other} under csp.mode ${mode}`).toBeUndefined();
    const csp = headers[header] ?? "";
    expect(csp, header).toMatch(/script-src [^;]*https:\/\/www\.googletagmanager\.com/);
    expect(csp, `${header} names no refused vendor's host`).not.toMatch(/intercom|elfsight/);

    // The container ran.
    expect(requestsOf(visit.requests, "google-tag-manager").map((r) => r.status)).toContain(200);
    expect(await visit.page.evaluate(() => (window as any).gk_stub_container)).toBe("other-purposes");

    const reached = (host: string) => stubbed.get(host) ?? 0;
    const recorded = (vendor: VendorId) => requestsOf(visit.requests, vendor);
    if (mode === "enforce") {
      for (const { vendor, host } of REFUSED) {
        expect(reached(host), `requests that reached the ${host} stub`).toBe(0);
        expect(
          recorded(vendor).map((r) => `${r.url.href} ${r.status ?? "no response"}: ${r.failure}`),
          `${vendor} requests the browser made`,
        ).toEqual([
          `https://${host}${vendor === "intercom" ? "/widget/demoapp1" : "/platform/platform.js"} no response: csp`,
        ]);
      }
      // Nor a connection outside request routing (GTM's own preconnect hint may reach the sinkhole: it is allowed).
      const refusedVendors = new Set<VendorId | null>(REFUSED.map((r) => r.vendor));
      expect(
        visit.escaped.filter((host) => refusedVendors.has(vendorOf(new URL(`https://${host}`)))),
        "connections to the refused vendors' hosts",
      ).toEqual([]);
    } else {
      for (const { vendor, host } of REFUSED) {
        expect(reached(host), `requests that reached the ${host} stub`).toBeGreaterThan(0);
        expect(recorded(vendor).length, `${vendor} requests`).toBeGreaterThan(0);
      }
      expect(await visit.page.evaluate(() => (window as any).Intercom?.booted), "the widget ran").toBe(true);
    }

    // The reports arrive, and the worker logs each, classified.
    const disposition = mode === "enforce" ? "enforce" : "report";
    await expect
      .poll(
        () => {
          const lines = violations(entry.stdout.slice(logBefore));
          return REFUSED.map(({ host }) =>
            lines.find((v) => v.blocked === host && v.directive?.startsWith("script-src")),
          );
        },
        { message: "csp-violation log lines for the injected scripts", timeout: 10_000 },
      )
      .toEqual(
        REFUSED.map(({ vendor, host, purpose }) =>
          expect.objectContaining({ gk: "csp-violation", blocked: host, vendor, purpose, disposition }),
        ),
      );
    await visit.page.waitForTimeout(500); // stragglers: the widget's own requests are reported too
    const captured = entry.stdout.slice(logBefore);
    const logged = violations(captured);
    for (const line of logged) {
      expect(
        Object.keys(line).sort(),
        "a violation line keeps host, directive, disposition, vendor, purpose only",
      ).toEqual(["blocked", "directive", "disposition", "gk", "purpose", "vendor"]);
      expect(line.disposition).toBe(disposition);
    }

    // `npm run csp:report` over the captured stdout counts them, as summarise() does.
    const dir = mkdtempSync(join(tmpdir(), "gk-csp-log-"));
    try {
      const log = join(dir, "worker.log");
      writeFileSync(log, captured);
      const { stdout: summary } = await execFileAsync("npm", ["run", "--silent", "csp:report", "--", log], {
        cwd: ROOT,
        timeout: 30_000,
      });
      expect(summary).toBe(summarise(captured));
      expect(summary).toMatch(new RegExp(`^${logged.length} CSP violations?, `));
      for (const { vendor, host, purpose } of REFUSED) {
        const count = logged.filter((v) => v.blocked === host).length;
        const [blocked, reported] = disposition === "enforce" ? [count, 0] : [0, count];
        expect(summary, `the summary's row for ${host}`).toMatch(
          new RegExp(
            `^\\| ${count} \\| ${host.replace(/\./g, "\\.")} \\| ${vendor} \\| ${purpose} \\| [^|]+ \\| ${blocked} / ${reported} \\|$`,
            "m",
          ),
        );
      }
      console.log(
        `[browser] csp ${mode}: stub requests ${REFUSED.map(({ host }) => `${host} ${reached(host)}`).join(", ")}; ` +
          `${logged.length} violation lines; csp:report:\n${summary}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // And the page made no third-party request outside the vendors the suite knows.
    expect(
      visit.requests.filter((r) => r.url.origin !== visit.origin && vendorOf(r.url) === null).map((r) => r.url.href),
    ).toEqual([]);
  });
}
