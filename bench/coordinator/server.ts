/**
 * The coordinator under load, in its own process (so the load generator does not share its event
 * loop): started on port 0 with the indexer off, driven over IPC by `receipts-load.ts`.
 *
 * Messages in: `{ type: 'seed', streamId, renditions, segments }` stores random segment roots
 * as the indexer would and answers `{ type: 'seeded', roots }`; `{ type: 'settle' }` flushes the
 * credit roll-up and checks the ledger (every counter equals the sum of its receipts), answering
 * `{ type: 'settled', ... }`; `{ type: 'close' }` closes the coordinator and exits. Out:
 * `{ type: 'ready', url }` once listening.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { bytesToHex } from '@streamrp2p/protocol';
import { createCoordinator } from '@streamrp2p/coordinator';
import { BENCH_TRACKER_SECRET } from './load-lib.js';

export type SeededRoot = [rendition: string, sequence: number, root: string, byteLength: number];

/** What the credit roll-up still had to do when ingestion stopped, and whether the ledger adds up. */
export interface Settled {
  type: 'settled';
  /** Pending credit rows (one per batch and uploader) the final flush rolled up. */
  pendingRows: number;
  flushMs: number;
  /** Sum of credited receipts' bytes, of `sessions.credited_bytes`, of `supporter_credits`. */
  receiptBytes: number;
  sessionBytes: number;
  ledgerBytes: number;
  /** Sessions whose counter differs from the sum of their receipts (must be 0). */
  mismatchedSessions: number;
}

export type ServerMessage =
  | { type: 'ready'; url: string }
  | { type: 'seeded'; roots: SeededRoot[] }
  | Settled
  | { type: 'error'; message: string };

export type ControlMessage =
  | { type: 'seed'; streamId: string; renditions: number; segments: number }
  | { type: 'settle' }
  | { type: 'close' };

const send = (message: ServerMessage) => process.send?.(message);

const databaseUrl = process.env.BENCH_DATABASE_URL;
const coordinator = createCoordinator({
  port: 0,
  host: '127.0.0.1',
  ...(databaseUrl === undefined || databaseUrl === '' ? { dataDir: 'memory://' } : { databaseUrl }),
  indexerEnabled: false,
  databasePoolSize: Number(process.env.BENCH_POOL_SIZE ?? 10),
  // Sessions come from many fake client IPs (X-Forwarded-For) and must stay live for the run.
  trustProxy: 1,
  sessionTtlSeconds: 3600,
  // Thousands of sessions from a few fake /24 networks: the per-network limits would refuse most.
  sessionsPerMinutePerNetwork: 1_000_000,
  liveSessionsPerNetwork: 1_000_000,
  // The load test's stream names a loopback URL (never fetched: the indexer is off).
  originAllowList: ['127.0.0.1'],
  trackerSecret: BENCH_TRACKER_SECRET,
  // The physical bounds (decision 23) run as in production but wide enough to pass: the load is
  // synthetic (gigabytes a second, segments seeded before the sessions, every rendition).
  receiptRewindSeconds: 86_400,
  receiverBoundSlack: 1000,
  uploaderMaxKbps: 1_000_000_000,
  uploadersPerAddress: 1_000_000,
});

async function seed(streamId: string, renditions: number, segments: number): Promise<void> {
  const roots: SeededRoot[] = [];
  for (let r = 0; r < renditions; r++) {
    for (let sequence = 0; sequence < segments; sequence++) {
      // 200 KB to 2 MB, like 2-6 s segments of a few Mbit/s.
      const byteLength = 200_000 + (randomBytes(4).readUInt32BE() % 1_800_000);
      roots.push([`bench_r${r}`, sequence, bytesToHex(randomBytes(32)), byteLength]);
    }
  }
  const now = new Date();
  for (let at = 0; at < roots.length; at += 1000) {
    await coordinator.db
      .insertInto('segment_roots')
      .values(
        roots.slice(at, at + 1000).map(([rendition, sequence, root, byteLength]) => ({
          stream_id: streamId,
          rendition,
          sequence,
          root,
          byte_length: byteLength,
          indexed_at: now,
        })),
      )
      .execute();
  }
  send({ type: 'seeded', roots });
}

async function settle(): Promise<void> {
  const started = performance.now();
  const flushed = await coordinator.flushCredits();
  const flushMs = Math.round(performance.now() - started);
  const { db } = coordinator;
  const { rows } = await sql<Omit<Settled, 'type' | 'pendingRows' | 'flushMs'>>`
    select
      (select coalesce(sum(byte_length), 0)::bigint from receipts) as "receiptBytes",
      (select coalesce(sum(credited_bytes), 0)::bigint from sessions) as "sessionBytes",
      (select coalesce(sum(credited_bytes), 0)::bigint from supporter_credits) as "ledgerBytes",
      (select count(*)::int from sessions s where s.credited_bytes <> coalesce(
        (select sum(r.byte_length) from receipts r where r.uploader_session_id = s.id), 0)
      ) as "mismatchedSessions"`.execute(db);
  send({ type: 'settled', pendingRows: flushed.rows, flushMs, ...rows[0]! });
}

let closing = false;
async function close(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  await coordinator.close().catch(() => undefined);
  process.exit(code);
}

process.on('message', (message: ControlMessage) => {
  if (message.type === 'close') void close(0);
  else if (message.type === 'settle') {
    settle().catch((error: Error) => send({ type: 'error', message: error.message }));
  } else if (message.type === 'seed') {
    seed(message.streamId, message.renditions, message.segments).catch((error: Error) =>
      send({ type: 'error', message: error.message }),
    );
  }
});
// The parent died or hung up: never outlive it.
process.on('disconnect', () => void close(0));

try {
  const { url } = await coordinator.start();
  send({ type: 'ready', url });
} catch (error) {
  send({ type: 'error', message: (error as Error).message });
  await close(1);
}
