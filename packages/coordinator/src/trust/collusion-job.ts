/**
 * The collusion job: every `collusionIntervalMs`, reads the receipts credited within
 * `collusionWindowSeconds`, flags uploader sessions (`collusion-signals.ts`) and holds each group
 * of them scoring `holdScore` or more for review, with its reasons. Holding freezes credit; it
 * never deletes or changes it. One run at a time per database (a transaction-scoped advisory
 * lock, like the credit roll-up's), so coordinators sharing one PostgreSQL never hold a session
 * twice.
 */
import createDebug from 'debug';
import { sql, type Kysely } from 'kysely';
import type { HoldReason } from '@streamrp2p/protocol';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import { nowDate, type Clock } from '../util/clock.js';
import { uuid } from '../util/crypto.js';
import { PeriodicJob } from '../util/periodic-job.js';
import { readWindowFacts } from './collusion-facts.js';
import {
  COLLUSION_RULES,
  flagUploaders,
  groupSessions,
  score,
  type Flag,
} from './collusion-signals.js';

const log = createDebug('streamrp2p:coordinator:collusion');

/** 'SP2P' in the high half, the `trust_holds` table's oid in the low half: one lock per schema. */
const COLLUSION_LOCK_KEY = sql<string>`((${0x53503250}::bigint << 32) | 'trust_holds'::regclass::oid::bigint)`;

/** What one run did. */
export interface CollusionRunResult {
  /** False when another process's run held the lock: nothing was done. */
  ran: boolean;
  /** Uploader sessions judged (not already in a hold). */
  judged: number;
  /** Holds created. */
  holds: number;
  /** Sessions put in them. */
  heldSessions: number;
}

function groupReasons(members: Array<readonly Flag[]>): HoldReason[] {
  const byCode = new Map<string, { count: number; example: string }>();
  for (const flags of members) {
    for (const flag of flags) {
      const seen = byCode.get(flag.code);
      if (seen === undefined) byCode.set(flag.code, { count: 1, example: flag.message });
      else seen.count++;
    }
  }
  return [...byCode].map(([code, { count, example }]) => ({
    code,
    message: `${count} of ${members.length} sessions; e.g. ${example}`,
  }));
}

/**
 * One detection run at `now`. With `wait`, waits for a run elsewhere; without, skips.
 *
 * @example
 * const { holds } = await detectCollusion(db, config, metrics, new Date(), { wait: true });
 */
export async function detectCollusion(
  db: Kysely<DB>,
  config: Pick<CoordinatorConfig, 'collusionWindowSeconds' | 'playbackGraceSeconds'>,
  metrics: CoordinatorMetrics,
  now: Date,
  opts: { wait: boolean },
): Promise<CollusionRunResult> {
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      if (opts.wait) {
        await sql`select pg_advisory_xact_lock(${COLLUSION_LOCK_KEY})`.execute(trx);
      } else {
        const { rows } = await sql<{
          locked: boolean;
        }>`select pg_try_advisory_xact_lock(${COLLUSION_LOCK_KEY}) as locked`.execute(trx);
        if (rows[0]?.locked !== true) return { ran: false, judged: 0, holds: 0, heldSessions: 0 };
      }
      const since = new Date(now.getTime() - config.collusionWindowSeconds * 1000);
      const facts = await readWindowFacts(trx, since, now);
      const flags = flagUploaders(facts, now.getTime(), config.playbackGraceSeconds * 1000);
      const judged = new Set(facts.edges.map((e) => e.uploader));
      for (const id of facts.alreadyHeld) judged.delete(id);
      const held = new Set(
        [...judged].filter((id) => score(flags.get(id) ?? []) >= COLLUSION_RULES.holdScore),
      );
      let holds = 0;
      let heldSessions = 0;
      for (const group of groupSessions(facts.edges, held)) {
        const members = group.flatMap((id) => facts.sessions.get(id) ?? []);
        if (members.length === 0) continue;
        const memberFlags = members.map((m) => flags.get(m.id) ?? []);
        const reasons = groupReasons(memberFlags);
        const holdId = uuid();
        await trx
          .insertInto('trust_holds')
          .values({
            id: holdId,
            stream_id: members[0]!.streamId,
            status: 'held',
            score: Math.max(...memberFlags.map(score)),
            reasons: JSON.stringify(reasons),
            created_at: now,
          })
          .execute();
        const inserted = await trx
          .insertInto('trust_hold_sessions')
          .values(
            members.map((m) => ({ session_id: m.id, hold_id: holdId, viewer_id: m.viewerId })),
          )
          .onConflict((oc) => oc.column('session_id').doNothing())
          .returning('session_id')
          .execute();
        if (inserted.length === 0) {
          await trx.deleteFrom('trust_holds').where('id', '=', holdId).execute();
          continue;
        }
        holds++;
        heldSessions += inserted.length;
        for (const reason of reasons) metrics.trustHolds.inc({ reason: reason.code });
        metrics.trustHeldSessions.inc(inserted.length);
        log(
          'hold %s: %d sessions (%s)',
          holdId,
          inserted.length,
          reasons.map((r) => r.code).join(', '),
        );
      }
      return { ran: true, judged: judged.size, holds, heldSessions };
    });
}

/** Options of {@link CollusionJob}. */
export interface CollusionJobOptions {
  db: Kysely<DB>;
  config: Pick<
    CoordinatorConfig,
    'collusionIntervalMs' | 'collusionWindowSeconds' | 'playbackGraceSeconds'
  >;
  metrics: CoordinatorMetrics;
  clock: Clock;
}

/**
 * The job's loop in one coordinator: a run every `collusionIntervalMs` (none at start: a fresh
 * process has nothing new to judge before its first interval), runs never overlapping; `run()`
 * joins the queue. Failures are logged and counted, never thrown from the timer.
 *
 * @example
 * const job = new CollusionJob({ db, config, metrics, clock: Date.now });
 * job.start();
 * await job.run(); // holds what the receipts so far show
 * await job.close();
 */
export class CollusionJob {
  readonly #job: PeriodicJob<CollusionRunResult>;

  constructor(private readonly options: CollusionJobOptions) {
    // A scheduled run skips when another process holds the lock; a caller's waits for it.
    this.#job = new PeriodicJob({
      intervalMs: options.config.collusionIntervalMs,
      run: (scheduled) => this.#run(!scheduled),
      onError: (error) => {
        options.metrics.dbErrors.inc();
        log('collusion run failed: %s', error.message);
      },
    });
  }

  /** Schedules the runs (nothing when the interval is 0). */
  start(): void {
    this.#job.start();
  }

  /** Runs now (after a run in flight, and waiting for one elsewhere). Rejects on failure. */
  run(): Promise<CollusionRunResult> {
    return this.#job.run();
  }

  /** Stops the timer and waits for a run in flight. */
  close(): Promise<void> {
    return this.#job.close();
  }

  async #run(wait: boolean): Promise<CollusionRunResult> {
    const { db, config, metrics, clock } = this.options;
    const endTimer = metrics.collusionRunSeconds.startTimer();
    try {
      const result = await detectCollusion(db, config, metrics, nowDate(clock), { wait });
      endTimer({ result: result.ran ? 'ran' : 'skipped' });
      return result;
    } catch (error) {
      endTimer({ result: 'failed' });
      throw error;
    }
  }
}
