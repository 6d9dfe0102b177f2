/**
 * A consent record's shape, its SQL, and the auditor's view of a history. Pure, with no Workers
 * types, so that `npm run consent:export` (Node) shares it with the worker (./records.ts).
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

/** A row of the table migrations/0001_consent_records.sql creates. */
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

export const RECORDS_TABLE = "consent_records";
export const RECORD_COLUMNS = "consent_id, recorded_at, site, policy_version, purposes, source, lang, text_version";

/** A visitor's record history, oldest first. `?1` is the consent id. */
export const HISTORY_SQL = `SELECT ${RECORD_COLUMNS} FROM ${RECORDS_TABLE} WHERE consent_id = ?1 ORDER BY recorded_at, id`;

/** What a consent id looks like (./cookie.ts): anything else is never queried. */
export const CONSENT_ID = /^[A-Za-z0-9_-]{16,43}$/;

/**
 * HISTORY_SQL with the consent id written in, for `wrangler d1 execute --command`, which binds no
 * parameters. Only a well-formed consent id (letters, digits, `-`, `_`) is ever written into SQL.
 */
export function historySql(consentId: string): string {
  if (!CONSENT_ID.test(consentId)) throw new Error("not a consent id");
  return HISTORY_SQL.replace("?1", `'${consentId}'`);
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
  return lines.join("\n");
}
