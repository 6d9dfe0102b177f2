/**
 * Applies migrations/ to the CONSENT_DB binding (wrangler.toml) before each test file, as in
 * workers-sdk's vitest-pool-workers D1 fixture. applyD1Migrations only applies what is missing,
 * so running it for every file is safe.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

const bindings = env as unknown as { CONSENT_DB: D1Database; TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] };
await applyD1Migrations(bindings.CONSENT_DB, bindings.TEST_MIGRATIONS);
