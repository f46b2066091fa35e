/**
 * Statements: what a supporter earned per period and was paid out, what a streamer's periods
 * split, and each one's ledger balance; as JSON and as CSV (`statement-csv.ts`).
 */
import type {
  StreamerStatementResponse,
  SupporterStatementLine,
  SupporterStatementResponse,
  ViewerEarningsResponse,
} from '@streamrp2p/protocol/api-schemas';
import { sql, type Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import { streamerAccount, supporterAccount } from '../ledger/accounts.js';
import { accountBalance } from '../ledger/ledger.js';
import { viewerReputation } from '../trust/viewer-reputation.js';
import { microsToDecimal, toCsv } from './statement-csv.js';

/** `[from, to)` of period ends (either side open). */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** Lines listed at most per statement. */
export const MAX_STATEMENT_LINES = 5000;
/** Lines in the earnings summary. */
export const LAST_PERIODS = 10;

const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());

async function supporterLines(
  db: Kysely<DB>,
  viewerId: string,
  range: TimeRange,
  limit: number,
): Promise<SupporterStatementLine[]> {
  let query = db
    .selectFrom('period_supporters as ps')
    .innerJoin('periods as p', 'p.id', 'ps.period_id')
    .select([
      'p.id',
      'p.stream_id',
      'p.starts_at',
      'p.ends_at',
      'ps.bytes',
      'ps.chunks',
      'ps.reputation',
      'ps.earnings_micros',
      'ps.amount_micros',
      'ps.referral_boost',
    ])
    .where('ps.viewer_id', '=', viewerId);
  if (range.from !== undefined) query = query.where('p.ends_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('p.ends_at', '<', range.to);
  const rows = await query.orderBy('p.ends_at', 'desc').orderBy('p.id').limit(limit).execute();
  return rows.map((r) => ({
    periodId: r.id,
    streamId: r.stream_id,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    bytes: r.bytes,
    chunks: r.chunks,
    reputation: r.reputation,
    earningsMicros: r.earnings_micros,
    amountMicros: r.amount_micros,
    referralBoost: r.referral_boost,
  }));
}

const balanceOf = (balanceMicros: number) => ({ balanceMicros, owedMicros: -balanceMicros || 0 });

/** A supporter's period lines, payouts and ledger balance. */
export async function supporterStatement(
  db: Kysely<DB>,
  config: CoordinatorConfig,
  viewerId: string,
  range: TimeRange,
): Promise<SupporterStatementResponse> {
  const lines = await supporterLines(db, viewerId, range, MAX_STATEMENT_LINES);
  let payouts = db
    .selectFrom('payouts')
    .select(['id', 'provider', 'amount_micros', 'status', 'created_at', 'updated_at'])
    .where('payee_kind', '=', 'supporter')
    .where('payee_id', '=', viewerId);
  if (range.from !== undefined) payouts = payouts.where('created_at', '>=', range.from);
  if (range.to !== undefined) payouts = payouts.where('created_at', '<', range.to);
  const paid = await payouts.orderBy('created_at', 'desc').limit(MAX_STATEMENT_LINES).execute();
  let total = 0n;
  for (const l of lines) total += BigInt(l.amountMicros);
  return {
    viewerId,
    currency: config.currency,
    from: iso(range.from),
    to: iso(range.to),
    lines,
    totalAmountMicros: Number(total),
    payouts: paid.map((p) => ({
      payoutId: p.id,
      provider: p.provider,
      amountMicros: p.amount_micros,
      status: p.status,
      createdAt: p.created_at.toISOString(),
      updatedAt: p.updated_at.toISOString(),
    })),
    ...balanceOf(await accountBalance(db, supporterAccount(viewerId))),
  };
}

/** A supporter's standing now: reputation, what is waiting to be settled, this month, owed. */
export async function viewerEarnings(
  db: Kysely<DB>,
  config: CoordinatorConfig,
  viewerId: string,
  now: Date,
): Promise<ViewerEarningsResponse> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [{ reputation, parts }, unsettled, month, lastPeriods, balance] = await Promise.all([
    viewerReputation(db, viewerId, now),
    sql<{ bytes: number | null }>`
      select sum(r.byte_length)::bigint as bytes from receipts r
      left join settlement_marks m on m.session_id = r.uploader_session_id
      where r.uploader_viewer_id = ${viewerId}
        and (m.settled_through is null or r.credited_at >= m.settled_through)
        and not exists (
          select 1 from trust_hold_sessions hs join trust_holds h on h.id = hs.hold_id
          where hs.session_id = r.uploader_session_id and h.status in ('held', 'voided'))
    `.execute(db),
    db
      .selectFrom('period_supporters as ps')
      .innerJoin('periods as p', 'p.id', 'ps.period_id')
      .select((eb) => eb.fn.sum<number>('ps.earnings_micros').as('earned'))
      .where('ps.viewer_id', '=', viewerId)
      .where('p.ends_at', '>=', monthStart)
      .executeTakeFirst(),
    supporterLines(db, viewerId, {}, LAST_PERIODS),
    accountBalance(db, supporterAccount(viewerId)),
  ]);
  const payable = reputation >= config.payableReputation;
  return {
    viewerId,
    currency: config.currency,
    reputation,
    reputationParts: parts,
    payable,
    unsettledPayableBytes: payable ? Number(unsettled.rows[0]?.bytes ?? 0) : 0,
    earnedThisMonthMicros: Number(month?.earned ?? 0),
    ...balanceOf(balance),
    lastPeriods,
  };
}

/** A streamer's periods with their split, totals per stream, and its ledger balance. */
export async function streamerStatement(
  db: Kysely<DB>,
  config: CoordinatorConfig,
  streamerId: string,
  range: TimeRange,
): Promise<StreamerStatementResponse> {
  let query = db.selectFrom('periods').selectAll().where('streamer_id', '=', streamerId);
  if (range.from !== undefined) query = query.where('ends_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('ends_at', '<', range.to);
  const rows = await query
    .orderBy('ends_at', 'desc')
    .orderBy('id')
    .limit(MAX_STATEMENT_LINES)
    .execute();
  const periods = rows.map((p) => ({
    periodId: p.id,
    streamId: p.stream_id,
    startsAt: p.starts_at.toISOString(),
    endsAt: p.ends_at.toISOString(),
    revenueMicros: p.revenue_micros,
    platformFeeMicros: p.platform_fee_micros,
    poolMicros: p.pool_micros,
    streamerMicros: p.streamer_micros,
    cdnSavedMicros: p.cdn_saved_micros,
    supporters: p.supporters,
  }));
  const streams = new Map<string, StreamerStatementResponse['streams'][number]>();
  for (const p of periods) {
    const s = streams.get(p.streamId) ?? {
      streamId: p.streamId,
      periods: 0,
      revenueMicros: 0,
      platformFeeMicros: 0,
      poolMicros: 0,
      streamerMicros: 0,
      cdnSavedMicros: 0,
    };
    s.periods++;
    s.revenueMicros += p.revenueMicros;
    s.platformFeeMicros += p.platformFeeMicros;
    s.poolMicros += p.poolMicros;
    s.streamerMicros += p.streamerMicros;
    s.cdnSavedMicros += p.cdnSavedMicros;
    streams.set(p.streamId, s);
  }
  return {
    streamerId,
    currency: config.currency,
    from: iso(range.from),
    to: iso(range.to),
    periods,
    streams: [...streams.values()].sort((a, b) => a.streamId.localeCompare(b.streamId)),
    ...balanceOf(await accountBalance(db, streamerAccount(streamerId))),
  };
}

/** A supporter statement as CSV: one record per period line and per payout. */
export function supporterStatementCsv(s: SupporterStatementResponse): string {
  const header = [
    'kind',
    'id',
    'stream_id',
    'starts_at',
    'ends_at',
    'bytes',
    'chunks',
    'reputation',
    'earnings_micros',
    'earnings',
    'amount_micros',
    'amount',
    'currency',
    'status',
  ];
  return toCsv(header, [
    ...s.lines.map((l) => [
      'period',
      l.periodId,
      l.streamId,
      l.startsAt,
      l.endsAt,
      l.bytes,
      l.chunks,
      l.reputation,
      l.earningsMicros,
      microsToDecimal(l.earningsMicros),
      l.amountMicros,
      microsToDecimal(l.amountMicros),
      s.currency,
      null,
    ]),
    ...s.payouts.map((p) => [
      'payout',
      p.payoutId,
      null,
      p.createdAt,
      p.updatedAt,
      null,
      null,
      null,
      null,
      null,
      p.amountMicros,
      microsToDecimal(p.amountMicros),
      s.currency,
      p.status,
    ]),
  ]);
}

/** A streamer statement as CSV: one record per period. */
export function streamerStatementCsv(s: StreamerStatementResponse): string {
  const header = [
    'period_id',
    'stream_id',
    'starts_at',
    'ends_at',
    'revenue_micros',
    'revenue',
    'platform_fee_micros',
    'platform_fee',
    'pool_micros',
    'pool',
    'streamer_micros',
    'streamer',
    'cdn_saved_micros',
    'cdn_saved',
    'supporters',
    'currency',
  ];
  return toCsv(
    header,
    s.periods.map((p) => [
      p.periodId,
      p.streamId,
      p.startsAt,
      p.endsAt,
      p.revenueMicros,
      microsToDecimal(p.revenueMicros),
      p.platformFeeMicros,
      microsToDecimal(p.platformFeeMicros),
      p.poolMicros,
      microsToDecimal(p.poolMicros),
      p.streamerMicros,
      microsToDecimal(p.streamerMicros),
      p.cdnSavedMicros,
      microsToDecimal(p.cdnSavedMicros),
      p.supporters,
      s.currency,
    ]),
  );
}
