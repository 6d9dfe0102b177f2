/**
 * Proof of consent (GDPR art. 7(1)): one row per choice posted to /__gk/consent, in the D1 table
 * of migrations/0001_consent_records.sql. A record says what was chosen, when, under which policy
 * version and banner text, and in which language; it holds no IP address and no user agent, only
 * the random consent id the visitor's own cookie carries. The database is injected.
 */
import type { SourceType } from "../policy/consent-sources";

export interface ConsentRecord {
  consentId: string;
  /** Unix seconds; equals the consent cookie's issue time. */
  recordedAt: number;
  site: string;
  policyVersion: number;
  /** Allowed purposes, sorted, including the required ones. */
  purposes: string[];
  source: SourceType;
  /** The language of the banner or page the visitor read. */
  lang: string;
  /** The site's `ui.textVersion` when the choice was made. */
  textVersion: number;
}

/** Table and columns, as migrations/0001_consent_records.sql creates them. */
export const RECORDS_TABLE = "consent_records";
const COLUMNS = "consent_id, recorded_at, site, policy_version, purposes, source, lang, text_version";

/** A visitor's record history, oldest first. `?1` is the consent id. */
export const HISTORY_SQL = `SELECT ${COLUMNS} FROM ${RECORDS_TABLE} WHERE consent_id = ?1 ORDER BY recorded_at, id`;
const LATEST_SQL = `SELECT ${COLUMNS} FROM ${RECORDS_TABLE} WHERE consent_id = ?1 ORDER BY recorded_at DESC, id DESC LIMIT 1`;
const INSERT_SQL = `INSERT INTO ${RECORDS_TABLE} (${COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`;
const RETENTION_SQL = `DELETE FROM ${RECORDS_TABLE} WHERE recorded_at < ?1`;

/** What a consent id looks like (../cookie.ts): anything else is never queried. */
export const CONSENT_ID = /^[A-Za-z0-9_-]{16,43}$/;

/**
 * Writes the record and, in the same batch, deletes every record older than the retention period.
 * Rejects when D1 does; the caller logs and carries on (consent takes effect regardless).
 */
export async function storeConsentRecord(db: D1Database, record: ConsentRecord, retentionDays: number): Promise<void> {
  await db.batch([
    db
      .prepare(INSERT_SQL)
      .bind(
        record.consentId,
        record.recordedAt,
        record.site,
        record.policyVersion,
        JSON.stringify(record.purposes),
        record.source,
        record.lang,
        record.textVersion,
      ),
    db.prepare(RETENTION_SQL).bind(record.recordedAt - retentionDays * 86400),
  ]);
}

export async function consentHistory(db: D1Database, consentId: string): Promise<ConsentRecord[]> {
  if (!CONSENT_ID.test(consentId)) return [];
  const { results } = await db.prepare(HISTORY_SQL).bind(consentId).all<RecordRow>();
  return results.map(fromRow);
}

export async function latestConsentRecord(db: D1Database, consentId: string): Promise<ConsentRecord | null> {
  if (!CONSENT_ID.test(consentId)) return null;
  const row = await db.prepare(LATEST_SQL).bind(consentId).first<RecordRow>();
  return row ? fromRow(row) : null;
}

export interface RecordRow {
  consent_id: string;
  recorded_at: number;
  site: string;
  policy_version: number;
  purposes: string;
  source: string;
  lang: string;
  text_version: number;
}

export function fromRow(row: RecordRow): ConsentRecord {
  let purposes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.purposes);
    if (Array.isArray(parsed)) purposes = parsed.filter((p): p is string => typeof p === "string");
  } catch {
    // A damaged row shows no purposes rather than guessed ones.
  }
  return {
    consentId: row.consent_id,
    recordedAt: Number(row.recorded_at),
    site: row.site,
    policyVersion: Number(row.policy_version),
    purposes,
    source: row.source as SourceType,
    lang: row.lang,
    textVersion: Number(row.text_version),
  };
}

/** An auditor's view of a history (`npm run consent:export`): one block per record, UTC times. */
export function formatHistory(consentId: string, records: readonly ConsentRecord[]): string {
  if (records.length === 0) return `No consent records for ${consentId}.\n`;
  const lines = [`Consent records for ${consentId} (${records.length}, oldest first):`, ""];
  for (const r of records) {
    lines.push(
      `${new Date(r.recordedAt * 1000).toISOString()}  site ${r.site}, policy version ${r.policyVersion}`,
      `  allowed purposes: ${r.purposes.join(", ") || "(none)"}`,
      `  source: ${r.source}; language: ${r.lang}; banner text version: ${r.textVersion}`,
      "",
    );
  }
  return `${lines.join("\n")}`;
}

/**
 * Error text for the log with anything that could be an identifier (a consent id) masked. D1
 * errors name tables and columns; values are always bound, never part of the SQL.
 */
export function loggableError(error: unknown): string {
  const name = error instanceof Error ? error.name : "error";
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message.replace(/[A-Za-z0-9_-]{16,}/g, "…").slice(0, 300)}`;
}

/**
 * Writes the record off the response path: `waitUntil` keeps the write alive after the answer
 * has gone (the Workers ExecutionContext; absent in some tests, where the write simply runs). A
 * failure is logged without identifiers and otherwise ignored: the visitor's choice takes effect
 * whether or not its proof could be stored. No database bound: nothing is written.
 */
export function recordConsent(
  db: D1Database | undefined,
  record: ConsentRecord,
  retentionDays: number,
  waitUntil: ((task: Promise<unknown>) => void) | undefined,
): Promise<void> | undefined {
  if (!db) return undefined;
  const task = storeConsentRecord(db, record, retentionDays).catch((error: unknown) => {
    console.error(`tag-gatekeeper: consent record not stored, the choice still applies (${loggableError(error)})`);
  });
  waitUntil?.(task);
  return task;
}

/**
 * HISTORY_SQL with the consent id written in, for `wrangler d1 execute --command`, which binds no
 * parameters. Only a well-formed consent id (letters, digits, `-`, `_`) is ever written into SQL.
 */
export function historySql(consentId: string): string {
  if (!CONSENT_ID.test(consentId)) throw new Error("not a consent id");
  return HISTORY_SQL.replace("?1", `'${consentId}'`);
}
