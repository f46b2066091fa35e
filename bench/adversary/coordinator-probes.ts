/**
 * What the run asks the coordinator besides its public API: its limit settings (for the
 * report), its collusion detection (run on the simulated clock), and, for synchronisation and
 * diagnostics only, the honest sessions' challenges. No figure the checks judge comes from here.
 */
import type { SimClock } from './sim-clock.js';
import type { Stack } from './stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Config fields that are limits: numbers and booleans whose names say so. */
export function limitFields(config: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'number' && typeof value !== 'boolean' && !Array.isArray(value)) continue;
    if (/per|max|limit|slack|rate|threshold|allow|trust|same|reputation|rewind|ttl/i.test(key)) {
      out[key] = value;
    }
  }
  return out;
}

export function parseReceiptMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = /^streamrp2p_coordinator_receipts_total\{([^}]*)\} ([0-9.e+-]+)$/gm;
  for (const [, labels, value] of text.matchAll(re)) out[labels!] = Number(value);
  return out;
}

/**
 * Waits (at most 20 s) until no honest session has a challenge out. A real client has the
 * challenge's whole TTL (5 minutes) to answer; once the clock runs fast, that is under a second
 * of wall time, so an answer on its way when the clock speeds up would count as expired. Reads
 * the database only to synchronise, never to decide a figure.
 */
export async function challengesSettled(
  stack: Stack,
  viewerIds: string[],
  clock: SimClock,
): Promise<number> {
  const deadline = Date.now() + 20_000;
  let left = 0;
  while (Date.now() < deadline && viewerIds.length > 0) {
    const pending = await stack.coordinator.db
      .selectFrom('challenges')
      .innerJoin('sessions', 'sessions.id', 'challenges.session_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('sessions.viewer_id', 'in', viewerIds)
      .where('challenges.answered_at', 'is', null)
      .where('challenges.expires_at', '>', new Date(clock.now()))
      .executeTakeFirst();
    left = Number(pending?.n ?? 0);
    if (left === 0) return 0;
    await sleep(250);
  }
  return left;
}

/** Diagnostics: the honest sessions' challenges by outcome (passed, or the failure reason). */
export async function challengeOutcomes(
  stack: Stack,
  viewerIds: string[],
  clock: SimClock,
): Promise<Record<string, number>> {
  if (viewerIds.length === 0) return {};
  const rows = await stack.coordinator.db
    .selectFrom('challenges')
    .innerJoin('sessions', 'sessions.id', 'challenges.session_id')
    .select(['challenges.passed', 'challenges.reason', 'challenges.expires_at'])
    .where('sessions.viewer_id', 'in', viewerIds)
    .execute();
  const out: Record<string, number> = {};
  for (const row of rows) {
    const key =
      row.passed === true
        ? 'passed'
        : row.passed === false
          ? (row.reason ?? 'failed')
          : new Date(row.expires_at as Date) < new Date(clock.now())
            ? 'expired unanswered'
            : 'pending';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Runs the coordinator's collusion detection now, when it has one. */
export async function detectCollusion(stack: Stack): Promise<void> {
  const coordinator = stack.coordinator as unknown as { detectCollusion?: () => Promise<unknown> };
  await coordinator.detectCollusion?.();
}
