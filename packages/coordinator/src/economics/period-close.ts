/**
 * Closing a stream's period `[previous end (or the stream's creation), endsAt)`: settle its
 * payable receipts (those of the range, and those earlier closes deferred: settlement marks,
 * migration 008) and its revenue, compute each supporter's earnings and the revenue split, and
 * write the period, its supporter lines and one balanced ledger transaction, all in one database
 * transaction under one global advisory lock (decision 31). Closing the same period again, also
 * concurrently, answers the period already closed and writes nothing.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB, PeriodsTable } from '../db/schema.js';
import { ApiError } from '../errors.js';
import {
  PLATFORM_FEES,
  revenueAccount,
  streamerAccount,
  supporterAccount,
} from '../ledger/accounts.js';
import { postTransaction, type Posting } from '../ledger/ledger.js';
import {
  payStreamerReferral,
  qualifySupporters,
  referralBoosts,
} from '../referrals/referral-periods.js';
import { reputationsOf } from '../trust/viewer-reputation.js';
import type { Clock } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { earningsOf } from './earnings.js';
import { economicsPolicy } from './policy.js';
import {
  backlogCredits,
  deferredMarks,
  earnedThisMonth,
  frozenSessions,
  rangeCredits,
  settleRevenue,
  writeMarks,
  type SessionCredit,
} from './period-settle.js';
import { splitRevenue } from './split.js';

export type PeriodRow = Selectable<PeriodsTable>;

/** What a close needs: the database, the config (policy, payable threshold) and the clock. */
export interface CloseDeps {
  readonly db: Kysely<DB>;
  readonly config: CoordinatorConfig;
  readonly clock: Clock;
}

/** How long each phase of a close took, ms (the benchmark's figures). */
export interface ClosePhases {
  lock: number;
  reputations: number;
  settle: number;
  earningsAndSplit: number;
  writes: number;
}

/** What {@link closePeriod} did. */
export interface ClosedPeriod {
  period: PeriodRow;
  /** False when the period was closed before (nothing was written). */
  created: boolean;
  /** Receipts settled, and ledger entries written, by this call (0 when not created). */
  receiptsSettled: number;
  ledgerEntries: number;
  phases: ClosePhases;
}

/**
 * The one advisory lock every close takes: the monthly earnings cap spans a supporter's periods
 * on every stream, so two streams' closes must not read it at once. 'SP2P' in the high half, the
 * `periods` table's oid in the low half: one lock per schema, as the credit roll-up's.
 */
export const CLOSE_LOCK_KEY = sql<string>`((${0x53503250}::bigint << 32) | 'periods'::regclass::oid::bigint)`;

/** A period end must be at least this far in the past: its receipts and revenue have landed. */
export const MIN_END_AGE_MS = 60_000;

/** Period lines per insert statement (14 parameters each, PostgreSQL takes 65,535). */
const LINES_PER_INSERT = 2000;

/** The ledger transaction's key of a period. */
export const periodTransactionKey = (periodId: string): string => `period:${periodId}`;

/** A sum of safe integers, exact (BigInt), that must itself be a safe integer. */
function exactSum(values: Iterable<number>, what: string): number {
  let total = 0n;
  for (const v of values) total += BigInt(v);
  const n = Number(total);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} exceeds 2^53: ${total}`);
  return n;
}

/** One supporter's credit settled in a period: its sessions' credits added up. */
interface SettledSupporter {
  viewerId: string;
  bytes: number;
  receipts: number;
  chunks: number;
}

/** The credits of sessions, added up per viewer (in viewer id order). */
function sumByViewer(credits: readonly SessionCredit[]): SettledSupporter[] {
  const byViewer = new Map<string, SettledSupporter>();
  for (const c of credits) {
    const sum = byViewer.get(c.viewerId) ?? {
      viewerId: c.viewerId,
      bytes: 0,
      receipts: 0,
      chunks: 0,
    };
    sum.bytes += c.bytes;
    sum.receipts += c.receipts;
    sum.chunks += c.chunks;
    byViewer.set(c.viewerId, sum);
  }
  return [...byViewer.values()].sort((a, b) =>
    a.viewerId < b.viewerId ? -1 : a.viewerId > b.viewerId ? 1 : 0,
  );
}

/**
 * Closes the period of `streamId` ending at `endsAt` (see the module comment). 404
 * `STREAM_NOT_FOUND`; 422 `PERIOD_NOT_ENDED` for an end less than a minute ago; 409
 * `PERIOD_OVERLAPS` for an end at or before the last closed end that is not one of its ends.
 *
 * @example
 * const { period, created } = await closePeriod(coordinatorCtx, streamId, new Date('2026-11-30T00:00:00Z'));
 */
export async function closePeriod(
  deps: CloseDeps,
  streamId: string,
  endsAt: Date,
): Promise<ClosedPeriod> {
  const { config } = deps;
  const now = new Date(deps.clock());
  if (endsAt.getTime() > now.getTime() - MIN_END_AGE_MS) {
    throw new ApiError('PERIOD_NOT_ENDED', 'endsAt must be at least a minute in the past');
  }
  const phases: ClosePhases = {
    lock: 0,
    reputations: 0,
    settle: 0,
    earningsAndSplit: 0,
    writes: 0,
  };
  let mark = performance.now();
  const lap = (phase: keyof ClosePhases) => {
    const t = performance.now();
    phases[phase] += t - mark;
    mark = t;
  };

  return deps.db.transaction().execute(async (trx): Promise<ClosedPeriod> => {
    await sql`select pg_advisory_xact_lock(${CLOSE_LOCK_KEY})`.execute(trx);
    const stream = await trx
      .selectFrom('streams')
      .select(['id', 'streamer_id', 'created_at'])
      .where('id', '=', streamId)
      .executeTakeFirst();
    if (stream === undefined) throw new ApiError('STREAM_NOT_FOUND', `no stream ${streamId}`);
    const existing = await trx
      .selectFrom('periods')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('ends_at', '=', endsAt)
      .executeTakeFirst();
    if (existing !== undefined) {
      lap('lock');
      return { period: existing, created: false, receiptsSettled: 0, ledgerEntries: 0, phases };
    }
    const last = await trx
      .selectFrom('periods')
      .select((eb) => eb.fn.max('ends_at').as('ends_at'))
      .where('stream_id', '=', streamId)
      .executeTakeFirst();
    const lastEnd = last?.ends_at == null ? undefined : new Date(last.ends_at);
    if (lastEnd !== undefined && endsAt.getTime() <= lastEnd.getTime()) {
      throw new ApiError(
        'PERIOD_OVERLAPS',
        `endsAt must be after the last closed end of stream ${streamId}, ${lastEnd.toISOString()}`,
      );
    }
    const startsAt = lastEnd ?? stream.created_at;
    if (endsAt.getTime() <= startsAt.getTime()) {
      throw new ApiError(
        'VALIDATION_ERROR',
        `body.endsAt must be after the period's start, ${startsAt.toISOString()}`,
      );
    }
    lap('lock');

    // The credit to settle: the period's range of receipts, and what earlier closes deferred
    // (sessions held for review, or whose viewer was below the payable reputation).
    const inRange = await rangeCredits(trx, streamId, startsAt, endsAt);
    const deferred = await deferredMarks(trx, streamId, startsAt);
    const frozen = await frozenSessions(trx, [
      ...inRange.map((c) => c.sessionId),
      ...deferred.map((m) => m.sessionId),
    ]);
    const candidates = [
      ...new Set(
        [...inRange, ...deferred].filter((c) => !frozen.has(c.sessionId)).map((c) => c.viewerId),
      ),
    ];
    const reputations = await reputationsOf(trx, candidates, now);
    const payable = (c: { sessionId: string; viewerId: string }) =>
      !frozen.has(c.sessionId) &&
      (reputations.get(c.viewerId)?.reputation ?? 0) >= config.payableReputation;
    lap('reputations');

    const periodId = uuid();
    const credits = [
      ...inRange.filter(payable),
      ...(await backlogCredits(trx, deferred.filter(payable), startsAt)),
    ];
    const settled = sumByViewer(credits);
    const revenueAmounts = await settleRevenue(trx, streamId, endsAt, periodId);
    lap('settle');

    const policy = economicsPolicy(config);
    const earned = await earnedThisMonth(
      trx,
      settled.map((s) => s.viewerId),
      endsAt,
    );
    const boosts = await referralBoosts(
      trx,
      settled.map((s) => s.viewerId),
      endsAt,
    );
    const lines = settled.map((s) => {
      const rep = reputations.get(s.viewerId)!;
      const earnings = earningsOf(
        {
          chunks: Number(s.chunks),
          reputation: rep.reputation,
          parts: rep.parts,
          accountAgeMs:
            rep.firstSessionAt === undefined ? 0 : Math.max(0, now.getTime() - rep.firstSessionAt),
          earnedThisMonthMicros: earned.get(s.viewerId) ?? 0,
          referralBoost: boosts.get(s.viewerId) ?? 0,
        },
        policy,
      );
      return { ...s, rep, earnings };
    });
    const revenueMicros = exactSum(revenueAmounts, 'period revenue');
    const p2pBytes = exactSum(
      lines.map((l) => l.bytes),
      'period bytes',
    );
    const split = splitRevenue(
      {
        revenueMicros,
        p2pBytes,
        supporters: lines.map((l) => ({
          id: l.viewerId,
          earningsMicros: l.earnings.earningsMicros,
        })),
      },
      policy,
    );
    const amounts = new Map(split.supporters.map((s) => [s.id, s.amountMicros]));
    lap('earningsAndSplit');

    const period: PeriodRow = {
      id: periodId,
      stream_id: streamId,
      streamer_id: stream.streamer_id,
      starts_at: startsAt,
      ends_at: endsAt,
      closed_at: now,
      currency: config.currency,
      revenue_micros: split.revenueMicros,
      platform_fee_micros: split.platformFeeMicros,
      cdn_saved_micros: split.cdnSavedMicros,
      rebate_micros: split.rebateMicros,
      pool_formula_micros: split.poolFormulaMicros,
      pool_micros: split.poolMicros,
      streamer_micros: split.streamerMicros,
      p2p_bytes: p2pBytes,
      payable_chunks: exactSum(
        lines.map((l) => l.chunks),
        'period chunks',
      ),
      supporters: lines.length,
      policy: JSON.stringify(policy),
    };
    await trx.insertInto('periods').values(period).execute();
    const rows = lines.map((l) => ({
      period_id: periodId,
      viewer_id: l.viewerId,
      bytes: l.bytes,
      chunks: l.chunks,
      receipts: l.receipts,
      reputation: l.rep.reputation,
      parts: JSON.stringify(l.rep.parts),
      base_micros: l.earnings.baseMicros,
      uptime_bonus: l.earnings.uptimeBonus,
      qos_multiplier: l.earnings.qosMultiplier,
      cap_micros: l.earnings.capMicros,
      earnings_micros: l.earnings.earningsMicros,
      amount_micros: amounts.get(l.viewerId) ?? 0,
      referral_boost: l.earnings.referralBoost,
    }));
    await writeMarks(
      trx,
      streamId,
      periodId,
      [...inRange.filter(payable), ...deferred.filter(payable)],
      inRange.filter((c) => !payable(c)),
      startsAt,
      endsAt,
    );
    for (let i = 0; i < rows.length; i += LINES_PER_INSERT) {
      await trx
        .insertInto('period_supporters')
        .values(rows.slice(i, i + LINES_PER_INSERT))
        .execute();
    }
    const postings: Posting[] = [
      { account: revenueAccount(streamId), amountMicros: split.revenueMicros },
      { account: PLATFORM_FEES, amountMicros: -split.platformFeeMicros },
      { account: streamerAccount(stream.streamer_id), amountMicros: -split.streamerMicros },
      ...split.supporters.map((s) => ({
        account: supporterAccount(s.id),
        amountMicros: -s.amountMicros,
      })),
    ];
    await postTransaction(
      trx,
      {
        kind: 'period_close',
        idempotencyKey: periodTransactionKey(periodId),
        currency: config.currency,
        postings,
        periodId,
        memo: `period ${startsAt.toISOString()} to ${endsAt.toISOString()} of stream ${streamId}`,
      },
      now,
    );
    // Referrals (decision 43): the referring viewer's 1% of the revenue, out of the platform's
    // fee; a first payable credit qualifies the supporter's referral (the boost starts now).
    const referralPaid = await payStreamerReferral(
      trx,
      {
        periodId,
        streamId,
        streamerId: stream.streamer_id,
        revenueMicros: split.revenueMicros,
        platformFeeMicros: split.platformFeeMicros,
        currency: config.currency,
      },
      now,
    );
    await qualifySupporters(
      trx,
      lines.map((l) => l.viewerId),
      endsAt,
      now,
    );
    lap('writes');
    return {
      period,
      created: true,
      receiptsSettled: lines.reduce((n, l) => n + l.receipts, 0),
      ledgerEntries:
        postings.filter((p) => p.amountMicros !== 0).length + (referralPaid > 0 ? 2 : 0),
      phases,
    };
  });
}
