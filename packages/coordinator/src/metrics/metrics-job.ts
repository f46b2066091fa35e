/**
 * The metrics job: every `metricsRollupIntervalMs`, computes the finished minutes since its
 * watermark (`computeMinutes`), rewrites the hours they belong to (`computeHours`), then deletes
 * the minutes older than `metricsMinuteRetentionDays`, writing their hours from them
 * (`rollUpHours`). One run at a time per database (a transaction-scoped advisory
 * lock, like the collusion job's), so coordinators sharing one PostgreSQL agree on the watermark.
 */
import createDebug from 'debug';
import { sql, type Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import { PeriodicJob } from '../util/periodic-job.js';
import { floorTo, STEP_MS } from './buckets.js';
import {
  computeHours,
  computeMinutes,
  computeSupporterHours,
  rollUpHours,
} from './compute-minutes.js';

const log = createDebug('streamrp2p:coordinator:metrics');

/** 'SP2P' in the high half, the `metrics_state` table's oid in the low half. */
const METRICS_LOCK_KEY = sql<string>`((${0x53503250}::bigint << 32) | 'metrics_state'::regclass::oid::bigint)`;
/** A receipt credited at the end of a minute may commit a little later: minutes are redone. */
const OVERLAP_MS = 2 * STEP_MS.minute;
/** A fresh database starts this far back (older receipts are not charted). */
const FIRST_RUN_MS = STEP_MS.day;
/** At most this much is computed per statement, so a long outage is caught up in slices. */
const SLICE_MS = 6 * STEP_MS.hour;

/** What one run did. */
export interface MetricsRunResult {
  /** Minute rows computed (written or rewritten). */
  minutes: number;
  /** Hour rows written (from their minutes). */
  hours: number;
  /** Minute rows older than the retention deleted (their hours written from them). */
  rolledUp: number;
  /** The first minute not computed yet. */
  computedUntil: Date;
}

/**
 * One run at `now`: computes `[watermark - overlap, minute of now)`, moves the watermark, rolls
 * up complete hours older than the retention (and computed). Waits for a run elsewhere.
 */
export async function runMetrics(
  db: Kysely<DB>,
  config: Pick<CoordinatorConfig, 'metricsMinuteRetentionDays'>,
  now: number,
): Promise<MetricsRunResult> {
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${METRICS_LOCK_KEY})`.execute(trx);
      const state = await trx
        .selectFrom('metrics_state')
        .select('computed_until')
        .where('name', '=', 'minutes')
        .executeTakeFirst();
      const until = floorTo(now, 'minute');
      let from =
        state === undefined
          ? until - FIRST_RUN_MS
          : Math.min(until, state.computed_until.getTime() - OVERLAP_MS);
      // The hours touched, from the one before the first minute (an hour's row is rewritten
      // from all its minutes, so a run that starts near an hour's end finishes the one before).
      const hoursFrom = floorTo(from, 'hour') - STEP_MS.hour;
      let minutes = 0;
      while (from < until) {
        const to = Math.min(until, from + SLICE_MS);
        minutes += await computeMinutes(trx, new Date(from), new Date(to));
        from = to;
      }
      const hoursTo = new Date(floorTo(until - 1, 'hour') + STEP_MS.hour);
      const hours = await computeHours(trx, new Date(hoursFrom), hoursTo);
      await computeSupporterHours(trx, new Date(hoursFrom), hoursTo);
      const computedUntil = new Date(until);
      await trx
        .insertInto('metrics_state')
        .values({ name: 'minutes', computed_until: computedUntil })
        .onConflict((oc) => oc.column('name').doUpdateSet({ computed_until: computedUntil }))
        .execute();
      const retained = now - config.metricsMinuteRetentionDays * STEP_MS.day;
      const before = floorTo(Math.min(retained, until - OVERLAP_MS), 'hour');
      const rolledUp = await rollUpHours(trx, new Date(before));
      return { minutes, hours, rolledUp, computedUntil };
    });
}

/** Options of {@link MetricsJob}. */
export interface MetricsJobOptions {
  db: Kysely<DB>;
  config: Pick<CoordinatorConfig, 'metricsRollupIntervalMs' | 'metricsMinuteRetentionDays'>;
  metrics: CoordinatorMetrics;
  clock: Clock;
}

/**
 * The job's loop in one coordinator: a run every `metricsRollupIntervalMs` (none when 0), runs
 * never overlapping; `run()` joins the queue. Failures are logged and counted, never thrown from
 * the timer.
 *
 * @example
 * const job = new MetricsJob({ db, config, metrics, clock: Date.now });
 * job.start();
 * await job.run(); // minutes up to now computed, old minutes rolled into hours
 * await job.close();
 */
export class MetricsJob {
  readonly #job: PeriodicJob<MetricsRunResult>;

  constructor(private readonly options: MetricsJobOptions) {
    this.#job = new PeriodicJob({
      intervalMs: options.config.metricsRollupIntervalMs,
      run: () => this.#run(),
      onError: (error) => {
        options.metrics.dbErrors.inc();
        log('metrics run failed: %s', error.message);
      },
    });
  }

  /** Schedules the runs (nothing when the interval is 0). */
  start(): void {
    this.#job.start();
  }

  /** Runs now (after a run in flight, and waiting for one elsewhere). Rejects on failure. */
  run(): Promise<MetricsRunResult> {
    return this.#job.run();
  }

  /** Stops the timer and waits for a run in flight. */
  close(): Promise<void> {
    return this.#job.close();
  }

  async #run(): Promise<MetricsRunResult> {
    const { db, config, clock } = this.options;
    const result = await runMetrics(db, config, clock());
    log('%d minutes computed, %d rolled up', result.minutes, result.rolledUp);
    return result;
  }
}
