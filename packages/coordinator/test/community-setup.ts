/**
 * Seeding for the community suites: supporters credited through the real roll-up (receipts and
 * their pending credit, then `flushCredits()`), viewer accounts with display names, and a second
 * coordinator on the same database (its own pool on PostgreSQL) with a record of what each emits.
 */
import type { Kysely } from 'kysely';
import type { CommunityEvent } from '../src/community/community-events.js';
import { openDatabase, type Coordinator, type DB } from '../src/index.js';
import { hashSecret } from '../src/util/crypto.js';
import { startCoordinator } from './api.js';
import type { TestDatabase } from './databases.js';
import { insertReceipts, type Supporter } from './economics-setup.js';

/** `bytes` credited to `uploader` at `at`, as a receipt batch writes it (receipt + pending credit). */
export async function credit(
  db: Kysely<DB>,
  streamId: string,
  uploader: Supporter,
  receivers: ReadonlyArray<{ viewerId: string; sessionId: string }>,
  bytes: number,
  at: Date,
  /** Receipts the bytes are split into, spread over `receivers` (their networks). */
  count = 1,
): Promise<void> {
  if (bytes % count !== 0) throw new Error('credit: bytes must split evenly into count receipts');
  await insertReceipts(db, streamId, uploader, receivers, {
    count,
    byteLength: bytes / count,
    creditedAt: at,
  });
  await db
    .insertInto('pending_credits')
    .values({
      session_id: uploader.sessionId,
      viewer_id: uploader.viewerId,
      bytes,
      receipts: count,
      credited_at: at,
    })
    .execute();
  // Seen at the credit, so the community job's look-back finds it.
  await db
    .updateTable('sessions')
    .set({ last_seen_at: at })
    .where('id', '=', uploader.sessionId)
    .execute();
}

/** An account with `displayName` for `viewerId` (a `viewers` row first, as a claim needs). */
export async function nameViewer(
  db: Kysely<DB>,
  viewerId: string,
  displayName: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('viewers')
    .values({ viewer_id: viewerId, secret_hash: hashSecret(`s-${viewerId}`), created_at: at })
    .onConflict((oc) => oc.column('viewer_id').doNothing())
    .execute();
  await db
    .insertInto('viewer_accounts')
    .values({
      id: `acct-${viewerId}`,
      viewer_id: viewerId,
      email: `${viewerId}@example.test`,
      password_hash: 'unused',
      display_name: displayName,
      created_at: at,
      last_sign_in_at: null,
    })
    .execute();
}

/** Everything `coordinator` emits from now on. */
export function record(coordinator: Coordinator): CommunityEvent[] {
  const seen: CommunityEvent[] = [];
  coordinator.community.subscribe((e) => seen.push(e));
  return seen;
}

/**
 * A second coordinator on the run's database: on PostgreSQL over a pool of its own (another
 * process would have one), on PGlite over the same instance.
 */
export async function secondCoordinator(
  t: TestDatabase,
  options: Parameters<typeof startCoordinator>[1],
): Promise<Awaited<ReturnType<typeof startCoordinator>>> {
  if (t.url === undefined) return startCoordinator(t, options);
  const database = await openDatabase({ dataDir: 'unused', databaseUrl: t.url });
  const started = await startCoordinator(
    { ...t, database, url: t.url, backend: t.backend },
    options,
  );
  const close = started.coordinator.close.bind(started.coordinator);
  started.coordinator.close = async () => {
    await close();
    await database.destroy();
  };
  return started;
}
