/**
 * A leaderboard: the viewers of a stream or of all a streamer's streams ranked by one metric
 * over one window (decision 42). Data served and uptime rank payable supporters only, by the
 * close's test (`economics/period-close.ts`): credit not frozen by a hold (the reads,
 * `leaderboard-queries.ts`) of a viewer whose reputation reaches `payableReputation` now.
 */
import {
  MAX_LEADERBOARD_ENTRIES,
  type LeaderboardMetric,
  type LeaderboardWindow,
} from '@streamrp2p/protocol/api-schemas';
import { payableViewers, type PayableDeps } from './payable.js';
import { rankedRows, type RankedRow } from './leaderboard-queries.js';
import { windowRange } from './leaderboard-windows.js';

/**
 * Candidates read at most for a payable board: a board of 100 needs only the first ~100 when
 * most supporters are payable, and a stream whose top thousand is mostly below the threshold
 * shows the payable ones among them.
 */
export const MAX_CANDIDATES = 1000;
/** Candidates whose reputations one statement reads. */
const REPUTATION_BATCH = 200;

/** What a board ranks. */
export interface BoardScope {
  kind: 'stream' | 'streamer';
  id: string;
  streamIds: readonly string[];
}

/** A ranked entry; equal values share a rank (1, 2, 2, 4). */
export interface BoardEntry extends RankedRow {
  rank: number;
}

/** A computed board: its window and its first {@link MAX_LEADERBOARD_ENTRIES} entries. */
export interface Board {
  from: Date;
  to: Date;
  entries: BoardEntry[];
}

export type BoardDeps = PayableDeps;

/** Whether `metric` ranks payable credit (and so only payable viewers). */
const countsCredit = (metric: LeaderboardMetric) => metric !== 'points';

/** The rows of `rows` (in order) whose viewer is payable at `now`, at most `limit`. */
async function payableRows(
  deps: BoardDeps,
  rows: readonly RankedRow[],
  limit: number,
  now: Date,
): Promise<RankedRow[]> {
  const kept: RankedRow[] = [];
  for (let i = 0; i < rows.length && kept.length < limit; i += REPUTATION_BATCH) {
    const batch = rows.slice(i, i + REPUTATION_BATCH);
    const payable = await payableViewers(
      deps,
      batch.map((r) => r.viewerId),
      now,
    );
    kept.push(...batch.filter((r) => payable.has(r.viewerId)));
  }
  return kept.slice(0, limit);
}

/** Competition ranks over rows sorted by value, highest first. */
export function withRanks(rows: readonly RankedRow[]): BoardEntry[] {
  const entries: BoardEntry[] = [];
  rows.forEach((r, i) => {
    const previous = entries[i - 1];
    const rank = previous !== undefined && previous.value === r.value ? previous.rank : i + 1;
    entries.push({ ...r, rank });
  });
  return entries;
}

/**
 * The board of `scope` by `metric` over `window` at `now`.
 *
 * @example
 * const board = await computeBoard(ctx, { kind: 'stream', id, streamIds: [id] }, 'day',
 *   'data_served', new Date());
 * board.entries[0]; // { viewerId, value: bytes, rank: 1 }
 */
export async function computeBoard(
  deps: BoardDeps,
  scope: BoardScope,
  window: LeaderboardWindow,
  metric: LeaderboardMetric,
  now: Date,
): Promise<Board> {
  const { from, to } = windowRange(window, now);
  const read = { streamIds: scope.streamIds, from, to };
  const credit = countsCredit(metric);
  const rows = await rankedRows(deps.db, metric, {
    ...read,
    limit: credit ? MAX_CANDIDATES : MAX_LEADERBOARD_ENTRIES,
  });
  const ranked = credit ? await payableRows(deps, rows, MAX_LEADERBOARD_ENTRIES, now) : rows;
  return { from, to, entries: withRanks(ranked) };
}

/**
 * Where `viewerId` stands on `board`: its entry, or (not in it) its own figure over the board's
 * window with no rank; 0 for credit of a viewer that is not payable.
 */
export async function standingOf(
  deps: BoardDeps,
  scope: BoardScope,
  board: Board,
  metric: LeaderboardMetric,
  viewerId: string,
): Promise<{ rank: number | null; value: number }> {
  const entry = board.entries.find((e) => e.viewerId === viewerId);
  if (entry !== undefined) return { rank: entry.rank, value: entry.value };
  const [own] = await rankedRows(deps.db, metric, {
    streamIds: scope.streamIds,
    from: board.from,
    to: board.to,
    limit: 1,
    viewerId,
  });
  if (own === undefined) return { rank: null, value: 0 };
  if (countsCredit(metric) && (await payableRows(deps, [own], 1, board.to)).length === 0) {
    return { rank: null, value: 0 };
  }
  return { rank: null, value: own.value };
}
