/**
 * What kind of failure a database error is. A request that fails because PostgreSQL cannot be
 * reached is worth retrying (503 with `Retry-After`); a constraint violation or a bug is not.
 * node-postgres reports the first kind as socket errors (`ECONNREFUSED`, ...), as plain errors
 * with a fixed message (a connection closed under a query, a pool connect timeout), or as server
 * errors of SQLSTATE class 08 (connection exception) and 57P01-57P03 (shutting down, starting
 * up); PGlite as errors of the same SQLSTATEs when it has them.
 */

/** Socket error codes that mean "no connection to the database". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is going away or not there yet, or has too many clients. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres' own messages for a connection that failed or closed (no code). */
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

const SQLSTATE = /^[0-9A-Z]{5}$/;

interface MaybeCoded {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its `cause` chain and an AggregateError's errors (a dual-stack connect). */
function* chain(error: unknown, depth = 0): Generator<MaybeCoded> {
  if (typeof error !== 'object' || error === null || depth > 4) return;
  const coded = error as MaybeCoded;
  yield coded;
  yield* chain(coded.cause, depth + 1);
  if (Array.isArray(coded.errors)) for (const e of coded.errors) yield* chain(e, depth + 1);
}

/**
 * Whether `error` says the database is unreachable (down, restarting, refusing connections,
 * or the connection broke), as opposed to a query that failed on a working database.
 *
 * @example
 * if (isDatabaseUnavailable(error)) throw new ApiError('UNAVAILABLE', 'the database is unreachable');
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code !== undefined && CONNECTION_CODES.has(code)) return true;
    if (code !== undefined && SQLSTATE.test(code)) {
      if (code.startsWith('08') || UNAVAILABLE_STATES.has(code)) return true;
    }
    const message = typeof e.message === 'string' ? e.message : '';
    if (CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return true;
  }
  return false;
}

/** The SQLSTATE of an error the database server returned, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as MaybeCoded | null)?.code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}
