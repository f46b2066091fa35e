/**
 * How long `reputationsOf` (the set-based reputation a period close reads) takes on PostgreSQL:
 * a fresh schema seeded by SQL `generate_series` with `--viewers` viewers (two sessions each,
 * on `viewers / 5` networks), `--receipts` receipts among them (each viewer serving 50 others,
 * 70% of receipts with a delivery time) and ten challenges a viewer; then `reputationsOf` for
 * every viewer, `--runs` times.
 *
 *   npx tsx --conditions=@streamrp2p/source bench/coordinator/reputation-facts.ts \
 *     [--viewers 10000] [--receipts 1000000] [--runs 3] [--keep (the schema, to explain)]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { migrateToLatest, openDatabase } from '../../packages/coordinator/src/index.js';
import { reputationsOf } from '../../packages/coordinator/src/trust/viewer-reputation.js';
import { createBenchSchema } from '../lib/pg-schema.js';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '10000' },
    receipts: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
  },
});
const viewers = Number(values.viewers);
const receipts = Number(values.receipts);
const runs = Number(values.runs);

const schema = await createBenchSchema();
const database = await openDatabase({ databaseUrl: schema.url, dataDir: 'memory://' });
const { db } = database;
try {
  await migrateToLatest(db);
  const now = new Date('2026-11-30T12:00:00Z');
  const t0 = new Date(now.getTime() - 30 * 86_400_000);
  const seeded = performance.now();
  await sql`insert into streamers (id, name, api_key_hash, created_at)
    values ('s1', 'bench', 'hash', ${t0})`.execute(db);
  await sql`insert into streams (id, streamer_id, hls_url, title, created_at, updated_at)
    values ('st1', 's1', 'https://example.com/live.m3u8', 'bench', ${t0}, ${t0})`.execute(db);
  // Session k of viewer v: `ses-v-k`, live for 1 to 4 h, the second starting 3 h after the first.
  await sql`insert into sessions (id, stream_id, viewer_id, peer_id, public_key, secret_hash, ip,
      address_key, network_key, created_at, last_seen_at, ended_at)
    select 'ses-' || v || '-' || k, 'st1', 'viewer-' || v, 'peer-' || v || '-' || k, 'key',
      'secret-' || v || '-' || k, '10.0.0.1', 'addr-' || v, 'net-' || (v % ${viewers / 5}),
      ${t0}::timestamptz + (v % 1440) * interval '1 minute' + k * interval '3 hours',
      ${t0}::timestamptz + (v % 1440) * interval '1 minute' + k * interval '3 hours'
        + (1 + v % 4) * interval '1 hour',
      case when k = 0 then ${t0}::timestamptz + (v % 1440) * interval '1 minute'
        + (1 + v % 4) * interval '1 hour' end
    from generate_series(0, ${viewers - 1}) v, generate_series(0, 1) k`.execute(db);
  await sql`insert into receipts (stream_id, rendition, sequence, receiver_viewer_id,
      receiver_session_id, uploader_session_id, uploader_viewer_id, byte_length, signed_at,
      credited_at, delivery_ms)
    select 'st1', 'r0', g, 'viewer-' || ((g + 1 + (g / ${viewers}) % 50) % ${viewers}),
      'ses-' || ((g + 1 + (g / ${viewers}) % 50) % ${viewers}) || '-' || (g % 2),
      'ses-' || (g % ${viewers}) || '-' || (g % 2), 'viewer-' || (g % ${viewers}), 40000, 0,
      ${t0}::timestamptz + (g % 100000) * interval '20 seconds',
      case when g % 10 < 7 then 100 + (g * 37) % 5900 end
    from generate_series(1, ${receipts}) g`.execute(db);
  await sql`insert into challenges (id, session_id, stream_id, rendition, sequence, leaf_index,
      issued_at, expires_at, answered_at, passed)
    select 'ch-' || v || '-' || c, 'ses-' || v || '-' || (c % 2), 'st1', 'r0', c, 0,
      ${t0}, ${t0}::timestamptz + interval '5 minutes',
      case when c % 10 <> 9 then ${t0}::timestamptz + interval '1 minute' end,
      case when c % 10 = 9 then null else c % 10 <> 8 end
    from generate_series(0, ${viewers - 1}) v, generate_series(0, 9) c`.execute(db);
  // What autovacuum does to a table that grew by a million rows; without it every index-only
  // scan would still visit the heap, as it does only for the newest receipts in production.
  await sql`vacuum analyze receipts, sessions, challenges`.execute(db);
  console.log(
    `seeded ${viewers} viewers, ${2 * viewers} sessions, ${receipts} receipts, ` +
      `${10 * viewers} challenges in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const ids = Array.from({ length: viewers }, (_, v) => `viewer-${v}`);
  const times: number[] = [];
  let payable = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const reputations = await reputationsOf(db, ids, now);
    times.push(performance.now() - started);
    if (reputations.size !== viewers) throw new Error(`got ${reputations.size} reputations`);
    payable = [...reputations.values()].filter((r) => r.reputation >= 0.7).length;
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `reputationsOf(${viewers} viewers): ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}` +
      ` (median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(2)} s); ` +
      `${payable} at or above 0.7`,
  );
} finally {
  await database.destroy();
  if (values.keep) console.log(`kept schema ${schema.name}`);
  else await schema.drop();
}
