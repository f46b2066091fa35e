/**
 * A pg.Pool-shaped adapter over one PGlite instance, for kysely's own `PostgresDialect`.
 * PGlite is a single Postgres session, so "connections" are handed out one at a time: a client
 * holds PGlite from `connect()` until `release()`, and the others queue. That makes kysely
 * transactions isolated (one transaction's ROLLBACK cannot touch another's rows).
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** The part of a pg client kysely uses without cursors. */
interface QueryClient {
  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  release(): void;
}

/** A client of {@link PGlitePool}: valid until `release()`. */
class PGliteClient implements QueryClient {
  #released = false;

  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
  ) {}

  async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    if (this.#released) throw new Error('PGlite client used after release()');
    const result = await this.pglite.query<R>(sql, [...parameters]);
    return {
      command: (result.command?.toUpperCase() ?? 'SELECT') as PostgresQueryResult<R>['command'],
      rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
      rows: result.rows,
    };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
  }
}

/**
 * Hands out PGlite to one client at a time (FIFO).
 *
 * @example
 * const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new PGlitePool(pglite) }) });
 */
export class PGlitePool implements PostgresPool {
  #busy = false;
  #closed = false;
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly pglite: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    if (this.#closed) throw new Error('PGlite pool is closed');
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy = true;
    // Cursors (`.stream()`) are not supported; kysely only calls them for streaming queries.
    return new PGliteClient(this.pglite, () => this.#handOver()) as unknown as PostgresPoolClient;
  }

  /** Queued connects still pending; for tests and metrics. */
  get waitingCount(): number {
    return this.#waiting.length;
  }

  #handOver(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // stays busy: ownership passes straight to the next waiter
    else this.#busy = false;
  }

  /** Kysely calls this on `db.destroy()`; the PGlite instance is closed by its owner. */
  async end(): Promise<void> {
    this.#closed = true;
  }
}
