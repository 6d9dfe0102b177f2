/**
 * Proof of consent in D1, through the pool (Miniflare's D1 on SQLite, migrations/ applied by
 * test/helpers/apply-migrations.ts): every consent post writes a record off the response path;
 * the history exports; retention deletes old records; a failed write never blocks the choice; the
 * receipt page shows the visitor their own record.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { consentHistory, formatHistory, historySql, type RecordRow } from "../../src/consent/records";
import { activatePolicy } from "../../src/policy/active";
import { consentCookie, consentForm, html, NOW, ORIGIN, SHIPPED, SITE } from "../helpers/gate";
import { SOURCES } from "./sources/combos";

const DB = (env as unknown as { CONSENT_DB: D1Database }).CONSENT_DB;
const DAY = 86400;
const policy = activatePolicy(SHIPPED);

/** The app with the pool's D1 database, another one, or (null) none bound. */
function gate(db: D1Database | null = DB) {
  let clock = NOW;
  const app = createApp({ policy, now: () => clock, fetch: async () => html("<p>page</p>") });
  return {
    setClock: (t: number) => {
      clock = t;
    },
    /** Sends the request with an ExecutionContext and waits for everything it handed to waitUntil. */
    async request(path: string, init: RequestInit = {}) {
      const ctx = createExecutionContext();
      const res = await app.request(
        new Request(new URL(path, SITE), init),
        undefined,
        { ORIGIN, CONSENT_DB: db ?? undefined },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    },
    app,
  };
}

const gkCookie = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
const idOf = (res: Response) => gkCookie(res).split(".").pop() ?? "";
const rows = async (id: string) =>
  (
    await DB.prepare("SELECT * FROM consent_records WHERE consent_id = ?1 ORDER BY id")
      .bind(id)
      .all<RecordRow & { id: number }>()
  ).results;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /__gk/consent writes a record", () => {
  it("with the consent id, time, policy version, purposes, source, language and text version; no IP, no user agent", async () => {
    const { request } = gate();
    const res = await request(
      "/__gk/consent",
      consentForm("allow=analytics&allow=social&lang=sv&return=%2Fhinnasto", {
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) UniqueAgent/42",
        "cf-connecting-ip": "203.0.113.77",
        "x-forwarded-for": "198.51.100.23",
      }),
    );
    expect(res.status).toBe(303);
    const id = idOf(res);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const found = await rows(id);
    expect(found).toHaveLength(1);
    const { id: _rowId, ...record } = found[0]!;
    expect(record).toEqual({
      consent_id: id,
      recorded_at: NOW,
      site: "default",
      policy_version: 1,
      purposes: '["analytics","necessary","social"]',
      source: "gatekeeper",
      lang: "sv",
      text_version: 1,
    });
    const stored = JSON.stringify(found);
    for (const secret of ["UniqueAgent", "Mozilla", "203.0.113.77", "198.51.100.23"])
      expect(stored).not.toContain(secret);
    const columns = (await DB.prepare("PRAGMA table_info(consent_records)").all<{ name: string }>()).results.map(
      (c) => c.name,
    );
    expect(columns).toEqual([
      "id",
      "consent_id",
      "recorded_at",
      "site",
      "policy_version",
      "purposes",
      "source",
      "lang",
      "text_version",
    ]);
  });

  it.each([
    ["no lang field: Accept-Language", "allow=none", "en-GB,en;q=0.9", "en"],
    ["an unknown lang: Accept-Language", "allow=none&lang=de", "sv", "sv"],
    ["two lang fields: Accept-Language, then Finnish", "allow=none&lang=en&lang=sv", "", "fi"],
    ["the banner's lang field", "allow=all&lang=en", "fi", "en"],
  ])("the language: %s", async (_name, body, acceptLanguage, lang) => {
    const { request } = gate();
    const res = await request("/__gk/consent", consentForm(body, { "accept-language": acceptLanguage }));
    expect((await rows(idOf(res)))[0]?.lang).toBe(lang);
  });

  it("off the response path: the answer does not wait for D1", async () => {
    let release: () => void = () => {};
    const stalled = {
      prepare: (sql: string) => DB.prepare(sql),
      batch: () => new Promise<never[]>((resolve) => (release = () => resolve([]))),
    } as unknown as D1Database;
    const app = createApp({ policy, now: () => NOW });
    const ctx = createExecutionContext();
    const res = await app.request(
      new Request(`${SITE}/__gk/consent`, consentForm("allow=all")),
      undefined,
      { CONSENT_DB: stalled },
      ctx,
    );
    expect(res.status).toBe(303);
    expect(gkCookie(res)).toMatch(/^gk_consent=1\.1\./);
    release();
    await waitOnExecutionContext(ctx);
  });
});

describe("a visitor's history", () => {
  it("keeps one consent id across choices, and exports oldest first", async () => {
    const g = gate();
    const first = await g.request("/__gk/consent", consentForm("allow=all&lang=fi"));
    const id = idOf(first);
    g.setClock(NOW + DAY);
    const second = await g.request("/__gk/consent", consentForm("allow=none&lang=en", { cookie: gkCookie(first) }));
    expect(idOf(second)).toBe(id);
    const history = await consentHistory(DB, id);
    expect(history.map((r) => [r.recordedAt, r.purposes, r.lang])).toEqual([
      [NOW, ["analytics", "functional", "marketing", "necessary", "social"], "fi"],
      [NOW + DAY, ["necessary"], "en"],
    ]);
    expect(formatHistory(id, history)).toBe(
      [
        `Consent records for ${id} (2, oldest first):`,
        "",
        "2025-11-29T18:40:00.000Z  site default, policy version 1",
        "  allowed purposes: analytics, functional, marketing, necessary, social",
        "  source: gatekeeper; language: fi; banner text version: 1",
        "",
        "2025-11-30T18:40:00.000Z  site default, policy version 1",
        "  allowed purposes: necessary",
        "  source: gatekeeper; language: en; banner text version: 1",
        "",
      ].join("\n"),
    );
    // `npm run consent:export` runs this literal SQL through `wrangler d1 execute --command`.
    const viaExport = (await DB.prepare(historySql(id)).all<RecordRow>()).results;
    expect(viaExport.map((r) => r.recorded_at)).toEqual([NOW, NOW + DAY]);
  });

  it("an id that is not a consent id is never queried", async () => {
    expect(await consentHistory(DB, "x' OR '1'='1")).toEqual([]);
    expect(() => historySql("x' OR '1'='1")).toThrow();
    expect(formatHistory("AAAAAAAAAAAAAAAAAAAAAA", [])).toBe("No consent records for AAAAAAAAAAAAAAAAAAAAAA.\n");
  });
});

describe("retention (records.retentionDays: 1095 in the test site)", () => {
  it("a write deletes records older than the retention period and keeps the rest", async () => {
    const insert = (id: string, at: number) =>
      DB.prepare(
        "INSERT INTO consent_records (consent_id, recorded_at, site, policy_version, purposes, source, lang, text_version) VALUES (?1, ?2, 'default', 1, '[\"necessary\"]', 'gatekeeper', 'fi', 1)",
      )
        .bind(id, at)
        .run();
    // Unique ids, in case the database outlives one run.
    const run = crypto.randomUUID().slice(0, 8);
    const [tooOld, justKept, recent] = ["tooOld", "justKept", "recent"].map((k) => `retention-${k}-${run}`) as [
      string,
      string,
      string,
    ];
    const later = NOW + 10 * DAY;
    await insert(tooOld, later - 1095 * DAY - 1);
    await insert(justKept, later - 1095 * DAY);
    await insert(recent, later - 30 * DAY);
    const g = gate();
    g.setClock(later);
    await g.request("/__gk/consent", consentForm("allow=none"));
    expect(await rows(tooOld)).toHaveLength(0);
    expect(await rows(justKept)).toHaveLength(1);
    expect(await rows(recent)).toHaveLength(1);
  });
});

describe("a failed write", () => {
  it("still sets the consent and logs the failure without identifiers", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = {
      prepare: (sql: string) => DB.prepare(sql),
      batch: async () => {
        throw new Error(
          "D1_ERROR: no such table: consent_records (while writing AbCdEfGhIjKlMnOpQrStUv): SQLITE_ERROR",
        );
      },
    } as unknown as D1Database;
    const { request } = gate(failing);
    const res = await request("/__gk/consent", consentForm("allow=analytics", { cookie: consentCookie(["social"]) }));
    expect(res.status).toBe(303);
    expect(gkCookie(res)).toMatch(/^gk_consent=1\.1\.analytics-necessary\./);
    expect(errors).toHaveBeenCalledTimes(1);
    const logged = String(errors.mock.calls[0]?.[0]);
    expect(logged).toContain("consent record not stored, the choice still applies");
    expect(logged).toContain("no such table: consent_records");
    expect(logged).not.toContain(idOf(res));
    expect(logged).not.toContain("AbCdEfGhIjKlMnOpQrStUv");
  });

  it("without a database bound, consent works and nothing is written", async () => {
    const { request } = gate(null);
    const res = await request("/__gk/consent", consentForm("allow=all"));
    expect(res.status).toBe(303);
    expect(await rows(idOf(res))).toHaveLength(0);
  });
});

describe("GET /__gk/consent/receipt", () => {
  it("shows the visitor their own current record", async () => {
    const g = gate();
    const posted = await g.request("/__gk/consent", consentForm("allow=analytics&lang=sv"));
    const res = await g.request("/__gk/consent/receipt?lang=en", { headers: { cookie: gkCookie(posted) } });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('<html lang="en" data-gatekeeper>');
    expect(page).toContain("<h1>Your consent</h1>");
    expect(page).toContain(`<code>${idOf(posted)}</code>`);
    expect(page).toContain("2025-11-29 18:40 UTC");
    expect(page).toContain('<tr><th scope="row">Analytics</th><td>Allowed</td></tr>');
    expect(page).toContain('<tr><th scope="row">Marketing</th><td>Blocked</td></tr>');
    expect(page).toContain('<tr><th scope="row">Language</th><td>Svenska</td></tr>');
    expect(page).toContain('<tr><th scope="row">Text version</th><td>1</td></tr>');
    expect(page).not.toContain("<script");
  });

  it("in Finnish by default, and says so when there is no choice", async () => {
    const page = await (await gate().request("/__gk/consent/receipt")).text();
    expect(page).toContain('<html lang="fi" data-gatekeeper>');
    expect(page).toContain("Et ole vielä tehnyt valintaa tällä sivustolla");
  });

  it("a choice whose record was not found (or no database): the cookie's own facts, and a note", async () => {
    const page = await (
      await gate(null).request("/__gk/consent/receipt?lang=sv", { headers: { cookie: consentCookie(["social"]) } })
    ).text();
    expect(page).toContain("Ditt val gäller, men ingen sparad post hittades.");
    expect(page).toContain("<code>AAAAAAAAAAAAAAAAAAAAAA</code>");
  });

  it("a choice read from another consent manager: which one, and what it allows", async () => {
    const page = await (
      await gate().request("/__gk/consent/receipt?lang=en", { headers: { cookie: SOURCES.tcf } })
    ).text();
    expect(page).toContain("Your choice is read from the site&#39;s other consent tool");
    expect(page).toContain('<tr><th scope="row">Source</th><td>tcf</td></tr>');
    expect(page).toContain('<tr><th scope="row">Analytics</th><td>Allowed</td></tr>');
  });
});
