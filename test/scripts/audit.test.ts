/**
 * `npm run audit`: the real gate (in workerd, through Miniflare) over the demo page and the
 * fixtures, under every consent state. The tables are snapshots; the assertions below check what
 * the tables must say whatever their layout.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseArgs } from "../../scripts/audit/cli";
import { type AuditReport, buildReport, defaultStates, parseStates, renderTable } from "../../scripts/audit/report";
import { type Auditor, startAuditor } from "../../scripts/audit/run";
import type { AuditState } from "../../scripts/audit/types";
// @ts-expect-error plain ESM helper without types
import { readPolicyFiles } from "../../scripts/lib/policy-files.mjs";
import { loadPolicy } from "../../src/policy/load";
import { ROOT, runScript, runScriptAsync, TEST_POLICIES } from "./helpers";

const loaded = loadPolicy(readPolicyFiles(ROOT, TEST_POLICIES));
if (!loaded.ok) throw new Error("the test policy does not validate");
const policy = loaded.policy;
const PURPOSES = policy.purposes.map((p) => ({ id: p.id, required: p.required }));
const STATES = defaultStates(PURPOSES);
const REQUIRED = PURPOSES.filter((p) => p.required).map((p) => p.id);
const purposeOf = new Map(policy.vendors.map((v) => [v.id, v.purpose]));
/** The fixtures' own site (their canonical links and first-party paths point there). */
const FIXTURE_SITE = "https://www.kevytpankki.example/";
const DEMO = "demo/site/index.html";
const WITH_TEST_POLICIES = ["--policies", TEST_POLICIES];

const fixtures = (dir: string) =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".html"))
    .map((f) => `${dir}/${f.split("\\").join("/")}`)
    .sort();
const VENDOR_FIXTURES = fixtures("test/fixtures/vendors");
const PAGE_FIXTURES = fixtures("test/fixtures/pages");

let auditor: Auditor;
beforeAll(async () => {
  auditor = await startAuditor(ROOT, TEST_POLICIES);
});
afterAll(async () => {
  await auditor?.dispose();
});

async function audit(file: string, pageUrl = "https://kevyt.example/", states: AuditState[] = STATES) {
  const html = readFileSync(join(ROOT, file), "utf8");
  return buildReport(file, pageUrl, await auditor.audit({ html, pageUrl, states }));
}

/**
 * What the gate must do with an element: remove it in every state that refuses one of its
 * vendors' purposes, and keep it when all are allowed. With `exact: false` an element may also be
 * removed for another vendor's sake (one inline script configuring two vendors gives one row per
 * vendor, and goes when either is refused).
 */
function expectConsistent(report: AuditReport, exact = true) {
  for (const row of report.rows) {
    for (const state of report.states) {
      const allowed = new Set(state.allowed);
      const permitted = row.unknown || row.purposes.every((p) => allowed.has(p));
      const verdict = row.states[state.name];
      const what = `${report.page}: ${row.tag} ${row.via} ${row.target} (${row.vendors.join(", ") || "unknown"}) under ${state.name}`;
      if (!permitted || exact) expect(verdict, what).toBe(permitted ? "kept" : "removed");
      if (state.name === "all") expect(verdict, what).toBe("kept");
    }
  }
}

describe("audit of the demo page", () => {
  it("renders the table (snapshot)", async () => {
    const report = await audit(DEMO);
    expect(renderTable(report)).toMatchSnapshot();
  });

  it("finds every vendor the demo page embeds, removes all of them without consent and none with all", async () => {
    const report = await audit(DEMO);
    const vendors = new Set(report.rows.flatMap((r) => r.vendors));
    for (const v of ["google-tag-manager", "google-analytics", "intercom", "elfsight"]) expect(vendors).toContain(v);
    expect(report.unknownThirdParties).toEqual([]);
    expect(report.rows.every((r) => r.states.none === "removed")).toBe(true);
    expect(report.rows.every((r) => r.states.all === "kept")).toBe(true);
    expectConsistent(report);
  });

  it("names the rule that matched: URL rule for gtm's noscript iframe, host rule for the shared preconnect", async () => {
    const report = await audit(DEMO);
    const iframe = report.rows.find((r) => r.tag === "iframe");
    expect(iframe).toMatchObject({ vendors: ["google-tag-manager"], rule: "url:www.googletagmanager.com/ns.html" });
    expect(iframe?.states).toMatchObject({ marketing: "kept", analytics: "removed", none: "removed" });
    const preconnect = report.rows.find((r) => r.tag === "link" && r.target === "www.googletagmanager.com");
    expect(preconnect?.rule).toBe("host:www.googletagmanager.com");
    expect(preconnect?.purposes.sort()).toEqual(["analytics", "marketing"]);
    // A host both analytics and marketing claim loads only when both are allowed.
    expect(preconnect?.states).toMatchObject({ analytics: "removed", marketing: "removed", all: "kept" });
  });

  it("runs the states it is given, each with the required purposes on", async () => {
    const report = await audit(DEMO, undefined, parseStates(["none", "analytics+marketing"], PURPOSES));
    expect(report.states).toEqual([
      { name: "none", allowed: REQUIRED },
      { name: "analytics+marketing", allowed: [...REQUIRED, "analytics", "marketing"] },
    ]);
    const preconnect = report.rows.find((r) => r.tag === "link" && r.target === "www.googletagmanager.com");
    expect(preconnect?.states).toEqual({ none: "removed", "analytics+marketing": "kept" });
    expectConsistent(report);
  });
});

describe("audit of the fixtures", () => {
  it.each(VENDOR_FIXTURES)("%s: only its vendor, removed unless its purpose is allowed", async (file) => {
    const vendor = file.split("/")[3] ?? "";
    const report = await audit(file, FIXTURE_SITE);
    expect(renderTable(report)).toMatchSnapshot();
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.unknownThirdParties).toEqual([]);
    for (const row of report.rows) expect(row.vendors).toContain(vendor);
    const purpose = purposeOf.get(vendor) ?? "";
    expect(report.rows.some((r) => r.states[purpose] === "kept")).toBe(true);
    expectConsistent(report);
  });

  it.each(PAGE_FIXTURES)("%s: table (snapshot), consistent with the vendors' purposes", async (file) => {
    const report = await audit(file, FIXTURE_SITE);
    expect(renderTable(report)).toMatchSnapshot();
    expect(report.rows.length).toBeGreaterThan(0);
    expectConsistent(report, false);
  });

  it("does not flag a canonical link to another site (it fetches nothing), but does flag a stylesheet there", async () => {
    const page = `<html><head><link rel="canonical" href="https://www.kevytpankki.example/blogi"><link rel="alternate" hreflang="sv" href="https://sv.kevytpankki.example/"><link rel="stylesheet" href="https://fonts.other.example/a.css"></head><body></body></html>`;
    const report = buildReport(
      "page",
      "https://kevyt.example/",
      await auditor.audit({ html: page, pageUrl: "https://kevyt.example/", states: STATES }),
    );
    expect(report.unknownThirdParties).toEqual(["fonts.other.example"]);
  });
});

describe("unknown third parties", () => {
  const PAGE = `<!doctype html><html><head>
<script src="https://cdn.unknown.example/tag.js"></script>
<script src="https://static.kevyt.example/own.js"></script>
<script src="/relative.js"></script>
<link rel="preconnect" href="https://connect.facebook.net">
</head><body><img src="//pixel.tracker.example/p.gif?u=1" alt=""></body></html>`;

  it("are flagged 'unknown third party: classify me' and kept; the site's own hosts are not third parties", async () => {
    const report = buildReport(
      "page",
      "https://www.kevyt.example/",
      await auditor.audit({ html: PAGE, pageUrl: "https://www.kevyt.example/", states: STATES }),
    );
    expect(report.unknownThirdParties).toEqual(["cdn.unknown.example", "pixel.tracker.example"]);
    const unknown = report.rows.filter((r) => r.unknown);
    expect(unknown.map((r) => `${r.tag} ${r.via} ${r.target}`)).toEqual([
      "script src cdn.unknown.example",
      "img src pixel.tracker.example",
    ]);
    for (const r of unknown) expect(Object.values(r.states).every((v) => v === "kept")).toBe(true);
    expect(report.rows.find((r) => r.target === "connect.facebook.net")?.vendors).toEqual(["meta-pixel"]);
    const table = renderTable(report);
    expect(table).toContain("| unknown third party: classify me |");
    expect(table).toContain("classify each in a vendor file in policies/vendors/");
    expect(table).toContain("cdn.unknown.example, pixel.tracker.example");
  });
});

describe("the CLI", () => {
  let dir: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gk-audit-"));
    server = createServer((req, res) => {
      if (req.url === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        res.end(readFileSync(join(ROOT, DEMO)));
      } else if (req.url === "/moved") {
        res.writeHead(302, { location: "/" });
        res.end();
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  it("exits 1 on an unknown third party and 0 on the demo page", () => {
    const page = join(dir, "unknown.html");
    writeFileSync(page, '<html><head><script src="https://cdn.unknown.example/x.js"></script></head></html>');
    const bad = runScript("scripts/audit/cli.ts", [page, ...WITH_TEST_POLICIES]);
    expect(bad.stdout).toContain("unknown third party: classify me");
    expect(bad.status).toBe(1);
    const good = runScript("scripts/audit/cli.ts", [DEMO, ...WITH_TEST_POLICIES]);
    expect(good.stdout).toContain("| <iframe src> | www.googletagmanager.com | google-tag-manager | marketing |");
    expect(good.status).toBe(0);
  });

  it("audits an http URL (following redirects) and prints JSON with --json", async () => {
    const run = await runScriptAsync("scripts/audit/cli.ts", [
      `${base}/moved`,
      "--json",
      "--state",
      "none,all",
      ...WITH_TEST_POLICIES,
    ]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.pageUrl).toBe(`${base}/`);
    expect(report.states.map((s) => s.name)).toEqual(["none", "all"]);
    expect(report.rows.find((r) => r.tag === "iframe")?.states).toEqual({ none: "removed", all: "kept" });
    expect(report.unknownThirdParties).toEqual([]);
  });

  it("refuses what is not an HTML page, an unknown purpose and a missing target with exit 2", async () => {
    const json = await runScriptAsync("scripts/audit/cli.ts", [`${base}/data.json`, ...WITH_TEST_POLICIES]);
    expect(json.stderr).toContain("not HTML");
    expect(json.status).toBe(2);
    const purpose = runScript("scripts/audit/cli.ts", [DEMO, "--state", "analytics+ads", ...WITH_TEST_POLICIES]);
    expect(purpose.stderr).toContain("unknown purpose ads");
    expect(purpose.status).toBe(2);
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(() => parseArgs(["a.html", "b.html"])).toThrow(/one page at a time/);
    expect(parseArgs(["a.html", "--state=none", "--json"])).toEqual({ target: "a.html", json: true, states: ["none"] });
  });
});
