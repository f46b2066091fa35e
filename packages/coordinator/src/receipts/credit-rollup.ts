/**
 * The credit roll-up: moves `pending_credits` (written with their receipts) into the
 * per-uploader counters, `sessions.credited_bytes` and `supporter_credits`. One transaction
 * deletes a slice of pending rows and adds exactly the deleted bytes to the counters, so a row is
 * counted once whether the process dies before, during or after it: before or during, the
 * transaction rolls back and the rows are still pending for the next roll-up (also after a
 * restart); after, they are gone. There is no watermark to get wrong: receipts committed while a
 * roll-up runs are not in its snapshot, so it neither deletes nor counts them.
 *
 * One roll-up at a time per database: a transaction-scoped advisory lock keyed by the
 * `pending_credits` table (so schemas sharing a database do not exclude each other). Coordinator
 * processes sharing one PostgreSQL skip a tick when another holds it; a flush waits for it.
 */
import createDebug from 'debug';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';

const log = createDebug('streamrp2p:coordinator:credit-rollup');

/** Pending rows one roll-up transaction takes at most; a backlog takes several. */
export const ROLLUP_MAX_ROWS = 20_000;

/**
 * The advisory lock key: 'SP2P' in the high half, the `pending_credits` table's oid in the low
 * half, so there is one lock per schema. Exported for tests that hold it.
 */
export const ROLLUP_LOCK_KEY = sql<string>`((${0x53503250}::bigint << 32) | 'pending_credits'::regclass::oid::bigint)`;

/** What one roll-up transaction did. */
export interface RollUpResult {
  /** False when another roll-up held the lock (only without `wait`): nothing was done. */
  ran: boolean;
  /** Pending rows moved into the counters. */
  rows: number;
  /** Bytes those rows credited. */
  bytes: number;
}

/**
 * Rolls up to `maxRows` of the oldest pending credits into the counters, in one transaction.
 * With `wait`, waits for a roll-up running elsewhere; without, returns `{ ran: false }` at once.
 *
 * @example
 * const { rows } = await rollUpCredits(db, { wait: true });
 */
export async function rollUpCredits(
  db: Kysely<DB>,
  opts: { wait: boolean; maxRows?: number },
): Promise<RollUpResult> {
  // READ COMMITTED whatever the server's default: the roll-up statement must take its snapshot
  // after the lock is held, to see what the previous roll-up committed.
  return db
    .transaction()
    .setIsolationLevel('read committed')
    .execute(async (trx) => {
      if (!(await takeLock(trx, opts.wait))) return { ran: false, rows: 0, bytes: 0 };
      // One statement: the deleted rows are exactly the ones summed into the counters.
      const { rows } = await sql<{ rows: number; bytes: number }>`
      with taken as (
        delete from pending_credits where id in (
          select id from pending_credits order by id limit ${opts.maxRows ?? ROLLUP_MAX_ROWS}
        )
        returning session_id, viewer_id, bytes, credited_at
      ), sessions_added as (
        update sessions set credited_bytes = sessions.credited_bytes + t.bytes
        from (select session_id, sum(bytes) as bytes from taken group by session_id) as t
        where sessions.id = t.session_id
      ), viewers_added as (
        insert into supporter_credits (viewer_id, credited_bytes, last_credited_at)
        select viewer_id, sum(bytes), max(credited_at) from taken
        group by viewer_id order by viewer_id
        on conflict (viewer_id) do update set
          credited_bytes = supporter_credits.credited_bytes + excluded.credited_bytes,
          last_credited_at = greatest(supporter_credits.last_credited_at, excluded.last_credited_at)
      )
      select count(*)::int as rows, coalesce(sum(bytes), 0)::bigint as bytes from taken`.execute(
        trx,
      );
      const result = rows[0] ?? { rows: 0, bytes: 0 };
      return { ran: true, rows: result.rows, bytes: result.bytes };
    });
}

async function takeLock(trx: Transaction<DB>, wait: boolean): Promise<boolean> {
  if (wait) {
    await sql`select pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`.execute(trx);
    return true;
  }
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

/** Options of {@link CreditRollup}. */
export interface CreditRollupOptions {
  db: Kysely<DB>;
  /** Time between roll-ups; 0 = only on `flush()`. */
  intervalMs: number;
  metrics: CoordinatorMetrics;
}

/**
 * The roll-up loop of one coordinator: a roll-up at start (whatever an earlier process left
 * pending), then one every `intervalMs`, and at once again while a backlog fills whole slices.
 * Roll-ups of one process never overlap; `flush()` joins the queue. Failures are logged and
 * counted, never thrown from the timer: the rows stay pending and reads stay exact.
 *
 * @example
 * const rollup = new CreditRollup({ db, intervalMs: 250, metrics });
 * rollup.start();
 * await rollup.flush(); // everything committed so far is in the counters
 * await rollup.close();
 */
export class CreditRollup {
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(private readonly options: CreditRollupOptions) {}

  /** Runs a first roll-up now and schedules the next ones. */
  start(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#schedule(0);
  }

  /**
   * Rolls up everything committed before the call (waiting for a roll-up elsewhere), in as many
   * transactions as it takes. Rejects when the database fails.
   */
  flush(): Promise<RollUpResult> {
    return this.#enqueue(async () => {
      const total: RollUpResult = { ran: true, rows: 0, bytes: 0 };
      for (;;) {
        const result = await this.#rollUp(true);
        total.rows += result.rows;
        total.bytes += result.bytes;
        if (result.rows < ROLLUP_MAX_ROWS) return total;
      }
    });
  }

  /** Stops the timer and waits for a roll-up in flight. Pending rows wait for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#queue.catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#enqueue(() => this.#rollUp(false)).then(
        // A full slice means a backlog: go on at once. Else wait, or stop when only on demand.
        (result) => this.#next(result.rows >= ROLLUP_MAX_ROWS),
        (error: Error) => {
          this.options.metrics.dbErrors.inc();
          log('roll-up failed: %s', error.message);
          this.#next(false);
        },
      );
    }, delayMs);
  }

  #next(backlog: boolean): void {
    this.#timer = undefined;
    if (backlog) this.#schedule(0);
    else if (this.options.intervalMs > 0) this.#schedule(this.options.intervalMs);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #rollUp(wait: boolean): Promise<RollUpResult> {
    const { metrics } = this.options;
    const endTimer = metrics.creditRollupSeconds.startTimer();
    try {
      const result = await rollUpCredits(this.options.db, { wait });
      const outcome = !result.ran ? 'skipped' : result.rows > 0 ? 'rolled_up' : 'empty';
      endTimer({ result: outcome });
      if (result.rows > 0) {
        metrics.creditRollupRows.inc(result.rows);
        log('rolled up %d pending credits (%d bytes)', result.rows, result.bytes);
      }
      return result;
    } catch (error) {
      endTimer({ result: 'failed' });
      throw error;
    }
  }
}
