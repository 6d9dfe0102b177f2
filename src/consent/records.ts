/**
 * Proof of consent (GDPR art. 7(1)): one row per choice posted to /__gk/consent, in the D1 table
 * of migrations/0001_consent_records.sql. A record says what was chosen, when, under which policy
 * version and banner text, and in which language; it holds no IP address and no user agent, only
 * the random consent id the visitor's own cookie carries. The database is injected.
 */
import {
  CONSENT_ID,
  type ConsentRecord,
  fromRow,
  HISTORY_SQL,
  RECORD_COLUMNS,
  RECORDS_TABLE,
  type RecordRow,
} from "./record-history";

export type { ConsentRecord, RecordRow } from "./record-history";
export { CONSENT_ID, formatHistory, fromRow, historySql } from "./record-history";

const LATEST_SQL = `SELECT ${RECORD_COLUMNS} FROM ${RECORDS_TABLE} WHERE consent_id = ?1 ORDER BY recorded_at DESC, id DESC LIMIT 1`;
const INSERT_SQL = `INSERT INTO ${RECORDS_TABLE} (${RECORD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`;
const RETENTION_SQL = `DELETE FROM ${RECORDS_TABLE} WHERE recorded_at < ?1`;

/**
 * Writes the record and, in the same batch, deletes every record older than the retention period.
 * Rejects when D1 does; recordConsent logs that and carries on.
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

/**
 * Error text for the log with anything that could be an identifier (a consent id) masked. D1
 * errors name tables and columns; values are always bound, never part of the SQL.
 */
export function loggableError(error: unknown): string {
  const name = error instanceof Error ? error.name : "error";
  const message = error instanceof Error ? error.message : String(error);
  return `${name}: ${message.replace(/[A-Za-z0-9_-]{16,}/g, "…").slice(0, 300)}`;
}
