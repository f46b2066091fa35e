import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { initialMigration } from './migrations/001-initial.js';
import { pendingCreditsMigration } from './migrations/002-pending-credits.js';
import { addressKeysMigration } from './migrations/003-address-keys.js';
import { trustMigration } from './migrations/005-trust.js';
import { pointsMigration } from './migrations/006-points.js';
import { receiptBoundsMigration } from './migrations/007-receipt-bounds.js';
import { economicsMigration } from './migrations/008-economics.js';
import { reputationIndexesMigration } from './migrations/009-reputation-indexes.js';
import { streamMetricsMigration } from './migrations/012-stream-metrics.js';
import { accountsMigration } from './migrations/013-accounts.js';
import { viewerSecretsMigration } from './migrations/014-viewer-secrets.js';
import { viewerAccountsMigration } from './migrations/015-viewer-accounts.js';
import { viewerDevicesMigration } from './migrations/016-viewer-devices.js';
import { chatMigration } from './migrations/017-chat.js';
import { communityMigration } from './migrations/018-community.js';
import { leaderboardIndexesMigration } from './migrations/019-leaderboard-indexes.js';
import { referralsMigration } from './migrations/020-referrals.js';
import { erasuresMigration } from './migrations/021-erasures.js';
import { privacyMigration } from './migrations/022-privacy.js';
import type { DB } from './schema.js';

/** Every migration, by name; names sort in the order they run. Append, never edit. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '001_initial': initialMigration,
  '002_pending_credits': pendingCreditsMigration,
  '003_address_keys': addressKeysMigration,
  '005_trust': trustMigration,
  '006_points': pointsMigration,
  '007_receipt_bounds': receiptBoundsMigration,
  '008_economics': economicsMigration,
  '009_reputation_indexes': reputationIndexesMigration,
  '012_stream_metrics': streamMetricsMigration,
  '013_accounts': accountsMigration,
  '014_viewer_secrets': viewerSecretsMigration,
  '015_viewer_accounts': viewerAccountsMigration,
  '016_viewer_devices': viewerDevicesMigration,
  '017_chat': chatMigration,
  '018_community': communityMigration,
  '019_leaderboard_indexes': leaderboardIndexesMigration,
  '020_referrals': referralsMigration,
  '021_erasures': erasuresMigration,
  '022_privacy': privacyMigration,
});

/**
 * Brings the schema to the latest migration. Returns kysely's result set; throws the
 * migration's error (after logging which one failed) so a coordinator never starts half-migrated.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  // Named explicitly: without a schema kysely looks for its tables in every schema, so a
  // database holding another schema's migrations (parallel test runs) would skip creating ours.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
    migrationTableSchema: rows[0]?.schema,
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`database migration ${failed} failed: ${cause}`, { cause: result.error });
  }
  return result;
}
