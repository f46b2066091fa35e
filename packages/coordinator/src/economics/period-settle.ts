/**
 * The set-based statements of a period close (`period-close.ts`): the credit of the period's
 * range and of sessions deferred by earlier closes, which sessions are frozen, the settlement
 * marks, the revenue, and what supporters already earned this month. Each is a constant number
 * of statements whatever the number of receipts or supporters.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { CHUNK_BYTES } from './policy.js';

/** What a set of receipts of one uploader session adds up to. */
export interface SessionCredit {
  sessionId: string;
  viewerId: string;
  bytes: number;
  receipts: number;
  /** `chunksOf(byte_length)` summed per receipt. */
  chunks: number;
}

/** A session whose receipts before the period's start were not settled yet (its mark is older). */
export interface DeferredMark {
  sessionId: string;
  viewerId: string;
  settledThrough: Date;
}

type CreditRow = {
  session_id: string;
  viewer_id: string;
  bytes: number;
  receipts: number;
  chunks: number;
};

const toCredit = (r: CreditRow): SessionCredit => ({
  sessionId: r.session_id,
  viewerId: r.viewer_id,
  bytes: Number(r.bytes),
  receipts: Number(r.receipts),
  chunks: Number(r.chunks),
});

/** Chunks are `ceil(byte_length / 16 KiB)` per receipt, the SQL form of `chunksOf`. */
const CHUNKS = sql`sum((r.byte_length + ${CHUNK_BYTES - 1}) / ${CHUNK_BYTES})::bigint`;

/**
 * The credit of every uploader session of `streamId` in `[from, until)`: one read of that range
 * of the stream's receipts in credit order (`receipts_stream_credited_idx`), grouped by session.
 */
export async function rangeCredits(
  db: Kysely<DB>,
  streamId: string,
  from: Date,
  until: Date,
): Promise<SessionCredit[]> {
  const { rows } = await sql<CreditRow>`
    select r.uploader_session_id as session_id, r.uploader_viewer_id as viewer_id,
      sum(r.byte_length)::bigint as bytes, count(*)::int as receipts, ${CHUNKS} as chunks
    from receipts r
    where r.stream_id = ${streamId} and r.credited_at >= ${from} and r.credited_at < ${until}
    group by r.uploader_session_id, r.uploader_viewer_id`.execute(db);
  return rows.map(toCredit);
}

/** The sessions of `streamId` whose mark is before `before`: credit deferred by earlier closes. */
export async function deferredMarks(
  db: Kysely<DB>,
  streamId: string,
  before: Date,
): Promise<DeferredMark[]> {
  const rows = await db
    .selectFrom('settlement_marks')
    .select(['session_id', 'viewer_id', 'settled_through'])
    .where('stream_id', '=', streamId)
    .where('settled_through', '<', before)
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    viewerId: r.viewer_id,
    settledThrough: new Date(r.settled_through),
  }));
}

/** Which of `sessionIds` are frozen: in a hold `held` for review or `voided`. */
export async function frozenSessions(
  db: Kysely<DB>,
  sessionIds: readonly string[],
): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const { rows } = await sql<{ session_id: string }>`
    select hs.session_id from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
    where hs.session_id = any(${[...sessionIds]}::text[]) and h.status in ('held', 'voided')`.execute(
    db,
  );
  return new Set(rows.map((r) => r.session_id));
}

/**
 * The credit of each deferred session in `[its mark, until)`, read per session through
 * `receipts_uploader_idx` (uploader session, credit time): only the few sessions that became
 * payable since are read, never the stream's history.
 */
export async function backlogCredits(
  db: Kysely<DB>,
  marks: readonly DeferredMark[],
  until: Date,
): Promise<SessionCredit[]> {
  if (marks.length === 0) return [];
  const { rows } = await sql<CreditRow>`
    select d.id as session_id, r.uploader_viewer_id as viewer_id,
      sum(r.byte_length)::bigint as bytes, count(*)::int as receipts, ${CHUNKS} as chunks
    from unnest(${marks.map((m) => m.sessionId)}::text[],
      ${marks.map((m) => m.settledThrough.toISOString())}::timestamptz[]) as d(id, since)
    join receipts r on r.uploader_session_id = d.id
      and r.credited_at >= d.since and r.credited_at < ${until}
    group by d.id, r.uploader_viewer_id`.execute(db);
  return rows.map(toCredit);
}

/** Mark rows per insert statement (5 parameters each). */
const MARKS_PER_INSERT = 5000;

/**
 * Moves the marks of the `settled` sessions to `endsAt` (this period settled them) and gives
 * each `deferred` session without a mark one at `startsAt` (its credit from the period's start
 * waits for a later one); deferred sessions with a mark keep it.
 */
export async function writeMarks(
  db: Kysely<DB>,
  streamId: string,
  periodId: string,
  settled: ReadonlyArray<{ sessionId: string; viewerId: string }>,
  deferred: ReadonlyArray<{ sessionId: string; viewerId: string }>,
  startsAt: Date,
  endsAt: Date,
): Promise<void> {
  const row = (
    s: { sessionId: string; viewerId: string },
    through: Date,
    period: string | null,
  ) => ({
    session_id: s.sessionId,
    stream_id: streamId,
    viewer_id: s.viewerId,
    settled_through: through,
    period_id: period,
  });
  const moved = settled.map((s) => row(s, endsAt, periodId));
  for (let i = 0; i < moved.length; i += MARKS_PER_INSERT) {
    await db
      .insertInto('settlement_marks')
      .values(moved.slice(i, i + MARKS_PER_INSERT))
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet((eb) => ({
          settled_through: eb.ref('excluded.settled_through'),
          period_id: eb.ref('excluded.period_id'),
        })),
      )
      .execute();
  }
  const waiting = deferred.map((s) => row(s, startsAt, null));
  for (let i = 0; i < waiting.length; i += MARKS_PER_INSERT) {
    await db
      .insertInto('settlement_marks')
      .values(waiting.slice(i, i + MARKS_PER_INSERT))
      .onConflict((oc) => oc.column('session_id').doNothing())
      .execute();
  }
}

/** Marks with `periodId` the unsettled revenue of `streamId` before `endsAt`; their amounts. */
export async function settleRevenue(
  db: Kysely<DB>,
  streamId: string,
  endsAt: Date,
  periodId: string,
): Promise<number[]> {
  const { rows } = await sql<{ amount_micros: number }>`
    update revenue_events set period_id = ${periodId}
    where stream_id = ${streamId} and period_id is null and occurred_at < ${endsAt}
    returning amount_micros`.execute(db);
  return rows.map((r) => Number(r.amount_micros));
}

/**
 * What each of `viewerIds` earned (`earnings_micros`) in the periods of any stream ending in
 * the UTC calendar month of `endsAt`: what its monthly cap already spent.
 */
export async function earnedThisMonth(
  db: Kysely<DB>,
  viewerIds: readonly string[],
  endsAt: Date,
): Promise<Map<string, number>> {
  if (viewerIds.length === 0) return new Map();
  const y = endsAt.getUTCFullYear();
  const m = endsAt.getUTCMonth();
  const { rows } = await sql<{ viewer_id: string; earned: number }>`
    select ps.viewer_id, sum(ps.earnings_micros)::bigint as earned
    from period_supporters ps join periods p on p.id = ps.period_id
    where ps.viewer_id = any(${viewerIds}::text[])
      and p.ends_at >= ${new Date(Date.UTC(y, m, 1))} and p.ends_at < ${new Date(Date.UTC(y, m + 1, 1))}
    group by ps.viewer_id`.execute(db);
  return new Map(rows.map((r) => [r.viewer_id, Number(r.earned)]));
}
