-- Proof of consent (GDPR art. 7(1)): one row per choice posted to POST /__gk/consent.
-- No IP address, no user agent: the only link to a visitor is the random consent id that their
-- own consent cookie carries. Rows older than the site's records.retentionDays are deleted by the
-- worker on every write. Read by src/consent/records.ts and `npm run consent:export`.
CREATE TABLE IF NOT EXISTS consent_records (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  consent_id TEXT NOT NULL,
  -- Unix seconds, the consent cookie's issue time.
  recorded_at INTEGER NOT NULL,
  site TEXT NOT NULL,
  policy_version INTEGER NOT NULL,
  -- JSON array of the allowed purpose ids, sorted, including the required ones.
  purposes TEXT NOT NULL,
  -- The consent source: "gatekeeper" (its banner, preferences page or placeholder).
  source TEXT NOT NULL,
  -- The language of the banner or page the visitor read (fi, sv, en).
  lang TEXT NOT NULL,
  -- The site's ui.textVersion at the time.
  text_version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_records_by_consent_id ON consent_records (consent_id, recorded_at);
CREATE INDEX IF NOT EXISTS consent_records_by_time ON consent_records (recorded_at);
