/** The shape of a table's privacy rule (`table-rules.ts`) and the helpers the rules share. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Subject } from './subject.js';

/**
 * What erasure does to a table's rows of the viewer:
 * - `delete`: the rows go.
 * - `anonymise`: the rows stay (other viewers' credit, the streamer's figures or the ledger rest
 *   on them) with the viewer id replaced by the erasure's pseudonym and addresses, keys and
 *   names emptied.
 * - `keep-pseudonymised`: like `anonymise`, for records the law requires to be kept (payouts):
 *   only what must be kept stays.
 * - `no-viewer-data`: the table holds nothing about a viewer (`why` says why).
 */
export type ErasureKind = 'delete' | 'anonymise' | 'keep-pseudonymised' | 'no-viewer-data';

/** What one erasure step gets. */
export interface ErasureTarget extends Subject {
  /** The erasure's random stand-in for the viewer id, written where rows are kept. */
  readonly pseudonym: string;
  readonly now: Date;
}

export interface TableRule {
  readonly erasure: ErasureKind;
  /** How the viewer's rows are found and why the rule is what it is. */
  readonly why: string;
  /** The viewer's rows for its export, page by page (never secrets or password hashes). */
  exportRows?(db: Kysely<DB>, subject: Subject): AsyncIterable<readonly object[]>;
  /** Erases the viewer's rows; returns how many it deleted or changed. */
  erase?(trx: Kysely<DB>, target: ErasureTarget): Promise<number>;
}

/** Rows changed by an UPDATE or DELETE result (kysely's `numUpdatedRows`/`numDeletedRows`). */
export function changed(
  results: ReadonlyArray<{ numUpdatedRows?: bigint; numDeletedRows?: bigint }>,
) {
  return results.reduce(
    (sum, r) => sum + Number(r.numUpdatedRows ?? 0n) + Number(r.numDeletedRows ?? 0n),
    0,
  );
}

/** One page: the whole result of `query`. */
export async function* onePage(
  query: Promise<readonly object[]>,
): AsyncIterable<readonly object[]> {
  yield await query;
}

/** An expression that stands for "erased" in a not-null text column that must stay unique. */
export const erasedMark = (column: string) => sql<string>`'erased:' || ${sql.ref(column)}`;

/** The tables whose only viewer data is a `viewer_id` column that erasure renames. */
export type RenamedViewerTable =
  | 'pending_credits'
  | 'supporter_credits'
  | 'trust_hold_sessions'
  | 'stream_supporter_hours'
  | 'settlement_marks'
  | 'referral_rewards';

/**
 * The rule of a table whose rows stay at erasure with only `viewer_id` replaced by the
 * pseudonym (`anonymise`): exported whole, optionally in `orderBy` order.
 */
export function renamedViewerRule(
  table: RenamedViewerTable,
  why: string,
  orderBy?: string,
): TableRule {
  const order = orderBy === undefined ? sql`` : sql` order by ${sql.ref(orderBy)}`;
  return {
    erasure: 'anonymise',
    why,
    exportRows: (db, s) =>
      onePage(
        sql<object>`select * from ${sql.table(table)} where viewer_id = ${s.viewerId}${order}`
          .execute(db)
          .then((result) => result.rows),
      ),
    erase: async (trx, t) => {
      const result = await sql`
        update ${sql.table(table)} set viewer_id = ${t.pseudonym}
        where viewer_id = ${t.viewerId}`.execute(trx);
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}
