/**
 * Seeding for the money suites: supporters with a known reputation, written straight into the
 * tables the reputation and the close read (sessions, challenges, receipts, holds), so a test
 * knows every figure; streams, revenue and closes go through the real coordinator.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../src/index.js';
import { hashSecret, uuid } from '../src/util/crypto.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

let counter = 0;
const next = () => ++counter;

/** A session row; `secret` is returned so the viewer can authenticate. */
export async function insertSession(
  db: Kysely<DB>,
  fields: {
    streamId: string;
    viewerId: string;
    createdAt: Date;
    lastSeenAt: Date;
    networkKey?: string;
  },
): Promise<{ sessionId: string; secret: string }> {
  const n = next();
  const sessionId = `s-${n}-${uuid()}`;
  const secret = `secret-${uuid()}`;
  const networkKey = fields.networkKey ?? `net-${n}`;
  await db
    .insertInto('sessions')
    .values({
      id: sessionId,
      stream_id: fields.streamId,
      viewer_id: fields.viewerId,
      peer_id: `peer-${sessionId}`,
      public_key: 'unused',
      secret_hash: hashSecret(secret),
      ip: '198.51.100.1',
      address_key: `${networkKey}-a`,
      network_key: networkKey,
      created_at: fields.createdAt,
      last_seen_at: fields.lastSeenAt,
      ended_at: null,
      // The viewer's own session (it created the viewer): it reads the viewer's statements.
      viewer_verified: true,
    })
    .execute();
  return { sessionId, secret };
}

/** Five receiver sessions, each on a network of its own. */
export async function insertReceivers(db: Kysely<DB>, streamId: string, at: Date) {
  const receivers = [];
  for (let i = 0; i < 5; i++) {
    const viewerId = `receiver-${next()}`;
    receivers.push({
      viewerId,
      ...(await insertSession(db, { streamId, viewerId, createdAt: at, lastSeenAt: at })),
    });
  }
  return receivers;
}

export interface Supporter {
  viewerId: string;
  sessionId: string;
  secret: string;
}

/**
 * A supporter whose first session was `firstSessionAt` and who stays seen: with `passed`
 * challenges passed, its receipts delivered in 300 ms (latency 1) to five networks (diversity 1)
 * and an age over 2 h, its reputation is 0.3 + 0.25 + 0.25 x success + 0.2.
 */
export async function insertSupporter(
  db: Kysely<DB>,
  streamId: string,
  opts: { firstSessionAt: Date; passed: number; viewerId?: string },
): Promise<Supporter> {
  const viewerId = opts.viewerId ?? `supporter-${next()}`;
  const session = await insertSession(db, {
    streamId,
    viewerId,
    createdAt: opts.firstSessionAt,
    // Seen until far ahead: live time is capped at the close's clock.
    lastSeenAt: new Date(opts.firstSessionAt.getTime() + 1000 * DAY),
  });
  const challenges = Array.from({ length: opts.passed }, (_, i) => ({
    id: `c-${session.sessionId}-${i}`,
    session_id: session.sessionId,
    stream_id: streamId,
    rendition: 'r',
    sequence: i,
    leaf_index: 0,
    issued_at: opts.firstSessionAt,
    expires_at: new Date(opts.firstSessionAt.getTime() + MINUTE),
    answered_at: opts.firstSessionAt,
    passed: true,
    reason: null,
  }));
  for (let i = 0; i < challenges.length; i += 500) {
    await db
      .insertInto('challenges')
      .values(challenges.slice(i, i + 500))
      .execute();
  }
  return { viewerId, ...session };
}

let sequence = 0;

/** `count` receipts of `byteLength` bytes from `uploader`, spread over `receivers`. */
export async function insertReceipts(
  db: Kysely<DB>,
  streamId: string,
  uploader: Supporter,
  receivers: ReadonlyArray<{ viewerId: string; sessionId: string }>,
  opts: { count: number; byteLength: number; creditedAt: Date },
): Promise<void> {
  const rows = Array.from({ length: opts.count }, (_, i) => {
    const receiver = receivers[i % receivers.length]!;
    return {
      stream_id: streamId,
      rendition: 'r',
      sequence: ++sequence,
      receiver_viewer_id: receiver.viewerId,
      receiver_session_id: receiver.sessionId,
      uploader_session_id: uploader.sessionId,
      uploader_viewer_id: uploader.viewerId,
      byte_length: opts.byteLength,
      signed_at: opts.creditedAt.getTime(),
      credited_at: opts.creditedAt,
      delivery_ms: 300,
    };
  });
  await db.insertInto('receipts').values(rows).execute();
}

/** A hold of `status` over `sessionIds`, as the collusion job writes it. */
export async function insertHold(
  db: Kysely<DB>,
  streamId: string,
  members: ReadonlyArray<{ sessionId: string; viewerId: string }>,
  status: 'held' | 'voided',
  at: Date,
): Promise<string> {
  const holdId = `hold-${uuid()}`;
  await db
    .insertInto('trust_holds')
    .values({
      id: holdId,
      stream_id: streamId,
      status,
      score: 3,
      reasons: '[]',
      created_at: at,
      decided_at: status === 'held' ? null : at,
    })
    .execute();
  await db
    .insertInto('trust_hold_sessions')
    .values(
      members.map((m) => ({ session_id: m.sessionId, hold_id: holdId, viewer_id: m.viewerId })),
    )
    .execute();
  return holdId;
}

/**
 * The hand-checked period: supporters A (10 receipts of 1,638,400 bytes = 100 chunks each) and
 * B (5 receipts of 1,638,401 bytes = 101 chunks each, a partial last chunk), both with 398
 * challenges passed and a first session 100 days before `at`, credited at `creditedAt`.
 */
export async function seedTwoSupporters(
  db: Kysely<DB>,
  streamId: string,
  at: Date,
  creditedAt: Date,
): Promise<{ a: Supporter; b: Supporter }> {
  const receivers = await insertReceivers(db, streamId, at);
  const firstSessionAt = new Date(at.getTime() - 100 * DAY);
  const a = await insertSupporter(db, streamId, { firstSessionAt, passed: 398 });
  const b = await insertSupporter(db, streamId, { firstSessionAt, passed: 398 });
  await insertReceipts(db, streamId, a, receivers, {
    count: 10,
    byteLength: 1_638_400,
    creditedAt,
  });
  await insertReceipts(db, streamId, b, receivers, { count: 5, byteLength: 1_638_401, creditedAt });
  return { a, b };
}

/** Earnings per 1,000 chunks in the money suites: one currency unit, so figures are round. */
export const TEST_MICROS_PER_KILO_CHUNK = 1_000_000;
