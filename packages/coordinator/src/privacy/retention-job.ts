/**
 * The retention job's loop in one coordinator (`retention.ts` does one run): a run every
 * `retentionIntervalMs`, never two at once; rows removed are counted in
 * `streamrp2p_coordinator_retention_rows_total` by kind. Every step is idempotent, so processes
 * sharing a database may run it at the same time.
 */
import createDebug from 'debug';
import type { Kysely } from 'kysely';
import { Counter } from 'prom-client';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import { PeriodicJob } from '../util/periodic-job.js';
import { runRetention, type RetentionRunResult } from './retention.js';

const log = createDebug('streamrp2p:coordinator:retention');
const METRIC = 'streamrp2p_coordinator_retention_rows_total';

/** Options of {@link RetentionJob}. */
export interface RetentionJobOptions {
  db: Kysely<DB>;
  config: Pick<
    CoordinatorConfig,
    'receiptRetentionDays' | 'addressRetentionDays' | 'retentionIntervalMs'
  >;
  metrics: CoordinatorMetrics;
  clock: Clock;
}

/** The rows counter, registered once per registry. */
function rowsCounter(metrics: CoordinatorMetrics): Counter<'kind'> {
  const existing = metrics.registry.getSingleMetric(METRIC);
  if (existing !== undefined) return existing as Counter<'kind'>;
  return new Counter({
    name: METRIC,
    help: 'Rows the retention job deleted or blanked, by kind (receipts, supporter_hours, addresses, sign_in_attempts)',
    labelNames: ['kind'] as const,
    registers: [metrics.registry],
  });
}

/**
 * @example
 * const job = new RetentionJob({ db, config, metrics, clock: Date.now });
 * job.start();
 * await job.run(); // old settled receipts deleted, old addresses blanked
 * await job.close();
 */
export class RetentionJob {
  readonly #job: PeriodicJob<RetentionRunResult>;
  readonly #rows: Counter<'kind'>;

  constructor(private readonly options: RetentionJobOptions) {
    this.#rows = rowsCounter(options.metrics);
    this.#job = new PeriodicJob({
      intervalMs: options.config.retentionIntervalMs,
      run: () => this.#run(),
      onError: (error) => {
        options.metrics.dbErrors.inc();
        log('retention run failed: %s', error.message);
      },
    });
  }

  /** Schedules the runs (nothing when the interval is 0). */
  start(): void {
    this.#job.start();
  }

  /** Runs now (after a run in flight). Rejects on failure. */
  run(): Promise<RetentionRunResult> {
    return this.#job.run();
  }

  /** Stops the timer and waits for a run in flight. */
  close(): Promise<void> {
    return this.#job.close();
  }

  async #run(): Promise<RetentionRunResult> {
    const { db, config, clock } = this.options;
    const result = await runRetention(db, config, clock());
    this.#rows.inc({ kind: 'receipts' }, result.receipts);
    this.#rows.inc({ kind: 'supporter_hours' }, result.supporterHours);
    this.#rows.inc({ kind: 'addresses' }, result.addresses);
    this.#rows.inc({ kind: 'sign_in_attempts' }, result.signInAttempts);
    log('retention: %o', result);
    return result;
  }
}
