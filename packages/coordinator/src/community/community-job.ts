/**
 * The community job: every `communityIntervalMs`, turns what the credit roll-up committed into
 * social proof (`social-proof.ts`) and recounts the community goals (`goals.ts`). Each event is
 * inserted with its unique key before it is emitted, so with several coordinator processes on
 * one database every event is emitted once, by the process whose insert won; no lock is needed.
 */
import createDebug from 'debug';
import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import { nowDate, type Clock } from '../util/clock.js';
import { PeriodicJob } from '../util/periodic-job.js';
import type { CommunityEvent, CommunityEvents } from './community-events.js';
import { produceEvents } from './community-store.js';
import { recountGoals } from './goals.js';
import { newMilestones, newSupporters } from './social-proof.js';

const log = createDebug('streamrp2p:coordinator:community-job');

/** What one run produced (this process's events only). */
export interface CommunityRunResult {
  supporters: number;
  milestones: number;
  /** Open goals recounted. */
  goalsCounted: number;
  goalsReached: number;
  /** Every event this run emitted. */
  events: CommunityEvent[];
}

/**
 * One run at `now`: records and emits new supporters and milestones, recounts goals.
 *
 * @example
 * const { events } = await runCommunity(db, config, bus, new Date());
 */
export async function runCommunity(
  db: Kysely<DB>,
  config: Pick<CoordinatorConfig, 'cdnCostMicrosPerGb' | 'currency'>,
  bus: CommunityEvents,
  now: Date,
): Promise<CommunityRunResult> {
  const supporters = await produceEvents(db, bus, await newSupporters(db, now), now);
  const milestones = await produceEvents(db, bus, await newMilestones(db, now), now);
  const goals = await recountGoals(db, config, now);
  // Committed with the goals' marks: emitted only now.
  for (const event of goals.reached) bus.emit(event);
  return {
    supporters: supporters.length,
    milestones: milestones.length,
    goalsCounted: goals.counted,
    goalsReached: goals.reached.length,
    events: [...supporters, ...milestones, ...goals.reached],
  };
}

/** Options of {@link CommunityJob}. */
export interface CommunityJobOptions {
  db: Kysely<DB>;
  config: Pick<CoordinatorConfig, 'communityIntervalMs' | 'cdnCostMicrosPerGb' | 'currency'>;
  bus: CommunityEvents;
  metrics: CoordinatorMetrics;
  clock: Clock;
}

/**
 * The job's loop in one coordinator; `run()` joins the queue. Failures are logged and counted,
 * never thrown from the timer: nothing was emitted for what did not commit, and the next run
 * finds the same facts again.
 *
 * @example
 * const job = new CommunityJob({ db, config, bus, metrics, clock: Date.now });
 * job.start();
 * await job.run();
 * await job.close();
 */
export class CommunityJob {
  readonly #job: PeriodicJob<CommunityRunResult>;

  constructor(private readonly options: CommunityJobOptions) {
    this.#job = new PeriodicJob({
      intervalMs: options.config.communityIntervalMs,
      run: () => this.#run(),
      onError: (error) => {
        options.metrics.dbErrors.inc();
        log('community run failed: %s', error.message);
      },
    });
  }

  /** Schedules the runs (nothing when the interval is 0). */
  start(): void {
    this.#job.start();
  }

  /** Runs now (after a run in flight). Rejects on failure. */
  run(): Promise<CommunityRunResult> {
    return this.#job.run();
  }

  /** Stops the timer and waits for a run in flight. */
  close(): Promise<void> {
    return this.#job.close();
  }

  async #run(): Promise<CommunityRunResult> {
    const { db, config, bus, clock, metrics } = this.options;
    const endTimer = metrics.communityRunSeconds.startTimer();
    let result: CommunityRunResult;
    try {
      result = await runCommunity(db, config, bus, nowDate(clock));
      endTimer({ result: 'ran' });
    } catch (error) {
      endTimer({ result: 'failed' });
      throw error;
    }
    for (const event of result.events) metrics.communityEvents.inc({ kind: event.kind });
    if (result.events.length > 0) {
      log(
        '%d supporters, %d milestones, %d goals reached',
        result.supporters,
        result.milestones,
        result.goalsReached,
      );
    }
    return result;
  }
}
