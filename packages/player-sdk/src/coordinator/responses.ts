import type {
  Challenge,
  ChallengeAnswerResponse,
  PointsResponse,
  PostReceiptsResponse,
  ReceiptOutcome,
  SegmentRoot,
  SessionResponse,
  SessionSummaryResponse,
  TrackerTokenResponse,
} from '@streamrp2p/protocol';
import { coordinatorError, CoordinatorErrorCode } from './errors.js';

/*
 * Validation of the coordinator's answers: a body of the wrong shape becomes a retryable
 * COORDINATOR_UNAVAILABLE error (a half-deployed server, a proxy), never a crash later on.
 */

type Json = Record<string, unknown>;

function malformed(what: string): never {
  throw coordinatorError(
    CoordinatorErrorCode.Unavailable,
    `malformed coordinator answer: ${what}`,
    {
      retryable: true,
    },
  );
}

export function record(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) malformed(what);
  return value as Json;
}

export function str(body: Json, key: string, what: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') malformed(`${what}.${key}`);
  return value;
}

export function int(body: Json, key: string, what: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) malformed(`${what}.${key}`);
  return value;
}

function num(body: Json, key: string, what: string): number {
  const value = body[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) malformed(`${what}.${key}`);
  return value;
}

export function parseSession(value: unknown): SessionResponse {
  const body = record(value, 'session');
  return {
    sessionId: str(body, 'sessionId', 'session'),
    peerId: str(body, 'peerId', 'session'),
    viewerId: str(body, 'viewerId', 'session'),
    sessionSecret: str(body, 'sessionSecret', 'session'),
    trackerToken: str(body, 'trackerToken', 'session'),
    trackerTokenExpiresAt: num(body, 'trackerTokenExpiresAt', 'session'),
    viewerVerified: body.viewerVerified === true,
    ...(typeof body.viewerSecret === 'string' ? { viewerSecret: body.viewerSecret } : {}),
  };
}

export function parseSessionSummary(value: unknown): SessionSummaryResponse {
  const body = record(value, 'session summary');
  const what = 'session summary';
  if (typeof body.live !== 'boolean') malformed(`${what}.live`);
  return {
    sessionId: str(body, 'sessionId', what),
    streamId: str(body, 'streamId', what),
    viewerId: str(body, 'viewerId', what),
    peerId: str(body, 'peerId', what),
    createdAt: str(body, 'createdAt', what),
    lastSeenAt: str(body, 'lastSeenAt', what),
    live: body.live,
    creditedBytes: int(body, 'creditedBytes', what),
    challengesPassed: int(body, 'challengesPassed', what),
    challengesFailed: int(body, 'challengesFailed', what),
    watchSeconds: int(body, 'watchSeconds', what),
    // Newer than the other fields: a coordinator that does not send it yet counts as 0.
    reputation:
      typeof body.reputation === 'number' && Number.isFinite(body.reputation) ? body.reputation : 0,
  };
}

export function parseTrackerToken(value: unknown): TrackerTokenResponse {
  const body = record(value, 'token');
  return {
    trackerToken: str(body, 'trackerToken', 'token'),
    trackerTokenExpiresAt: num(body, 'trackerTokenExpiresAt', 'token'),
  };
}

const HEX_ROOT = /^[0-9a-f]{64}$/i;

/** Roots of the answer; entries of the wrong shape are skipped, not trusted. */
export function parseRoots(value: unknown): SegmentRoot[] {
  const roots = record(value, 'roots').roots;
  if (!Array.isArray(roots)) malformed('roots.roots');
  const out: SegmentRoot[] = [];
  for (const item of roots as unknown[]) {
    const entry = item as Partial<SegmentRoot> | null;
    if (
      typeof entry?.root === 'string' &&
      HEX_ROOT.test(entry.root) &&
      Number.isSafeInteger(entry.sequence) &&
      Number.isSafeInteger(entry.byteLength) &&
      (entry.byteLength as number) >= 0
    ) {
      out.push({
        sequence: entry.sequence as number,
        root: entry.root.toLowerCase(),
        byteLength: entry.byteLength as number,
      });
    }
  }
  return out;
}

export function parseReceiptResults(value: unknown, count: number): PostReceiptsResponse {
  const body = record(value, 'receipts');
  if (!Array.isArray(body.results)) malformed('receipts.results');
  const results: ReceiptOutcome[] = [];
  const seen = new Set<number>();
  for (const item of body.results as unknown[]) {
    const outcome = record(item, 'receipts.results[]');
    const index = int(outcome, 'index', 'receipts.results[]');
    if (index < 0 || index >= count) malformed(`receipts.results[] index ${index}`);
    if (seen.has(index)) continue; // One answer per receipt: the first counts.
    seen.add(index);
    if (outcome.status === 'credited' || outcome.status === 'duplicate') {
      results.push({ index, status: outcome.status });
    } else if (outcome.status === 'rejected') {
      const code = typeof outcome.code === 'string' ? outcome.code : 'REJECTED';
      const message = typeof outcome.message === 'string' ? outcome.message : '';
      results.push({ index, status: 'rejected', code, message });
    } else {
      malformed(`receipts.results[] status ${String(outcome.status)}`);
    }
  }
  const tally = (status: string) => results.filter((r) => r.status === status).length;
  return {
    credited: tally('credited'),
    duplicates: tally('duplicate'),
    rejected: tally('rejected'),
    results,
  };
}

/** Challenges of the answer; entries of the wrong shape are skipped. */
export function parseChallenges(value: unknown): Challenge[] {
  const list = record(value, 'challenges').challenges;
  if (!Array.isArray(list)) malformed('challenges.challenges');
  return (list as unknown[]).filter((item): item is Challenge => {
    const c = item as Partial<Challenge> | null;
    return (
      typeof c?.challengeId === 'string' &&
      c.challengeId !== '' &&
      typeof c.streamId === 'string' &&
      typeof c.rendition === 'string' &&
      Number.isSafeInteger(c.sequence) &&
      Number.isSafeInteger(c.leafIndex) &&
      typeof c.expiresAt === 'string'
    );
  });
}

export function parseChallengeAnswer(value: unknown): ChallengeAnswerResponse {
  const body = record(value, 'answer');
  if (typeof body.passed !== 'boolean') malformed('answer.passed');
  return {
    challengeId: str(body, 'challengeId', 'answer'),
    passed: body.passed,
    ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
  };
}

const STATUSES = ['none', 'account_prompt', 'vip'] as const;

export function parsePoints(value: unknown): PointsResponse {
  const body = record(value, 'points');
  const status = body.status as PointsResponse['status'];
  if (!STATUSES.includes(status)) malformed('points.status');
  return {
    viewer_id: str(body, 'viewer_id', 'points'),
    awarded: num(body, 'awarded', 'points'),
    balance: num(body, 'balance', 'points'),
    multiplier: num(body, 'multiplier', 'points'),
    status,
  };
}
