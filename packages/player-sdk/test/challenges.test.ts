/**
 * The challenge responder against the real coordinator's challenge routes (PGlite, port 0),
 * behind the fault proxy. Roots and challenges are written the way the indexer and the issuer
 * write them (rows naming the test's session), at the segments and leaves a test needs; the
 * coordinator judges the answers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { ChallengeResponder } from '../src/coordinator/challenges.js';
import type { ChallengeEvent } from '../src/coordinator/events.js';
import { Session } from '../src/coordinator/session.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

let real: RealCoordinator;
let api: ApiClient;
let session: Session;
let responder: ChallengeResponder;
let events: ChallengeEvent[];
let errors: SdkError[];
const store = new Map<string, Uint8Array>();

function segment(sequence: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + sequence * 7) & 255);
}

async function hold(rendition: string, sequence: number, length: number): Promise<void> {
  const bytes = segment(sequence, length);
  await real.indexSegment(rendition, sequence, bytes);
  store.set(`${rendition}/${sequence}`, bytes);
}

/** Challenges the session for a leaf, as the issuer does; resolves with the challenge id. */
async function challenge(rendition: string, sequence: number, leafIndex: number): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await real.coordinator.db
    .insertInto('challenges')
    .values({
      id,
      session_id: session.sessionId,
      stream_id: real.streamId,
      rendition,
      sequence,
      leaf_index: leafIndex,
      issued_at: new Date(now),
      expires_at: new Date(now + 300_000),
    })
    .execute();
  return id;
}

/** The coordinator's verdicts on this session's challenges. */
async function answers() {
  return real.coordinator.db
    .selectFrom('challenges')
    .select(['id', 'passed', 'reason'])
    .where('session_id', '=', session.sessionId)
    .where('answered_at', 'is not', null)
    .execute();
}

const getSegment = (rendition: string, sequence: number) => store.get(`${rendition}/${sequence}`);

beforeAll(async () => {
  // A test lays out several challenges at once.
  real = await startRealCoordinator({ config: { maxPendingChallenges: 10 } });
});
afterAll(() => real?.close());
beforeEach(async () => {
  real.proxy.reset();
  api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 500 });
  session = await Session.create(api, {
    streamId: real.streamId,
    viewerId: undefined,
    storage: undefined,
    now: () => Date.now(),
    tokenRefreshMarginMs: 0,
  });
  store.clear();
  events = [];
  errors = [];
  responder = new ChallengeResponder(api, session, {
    streamId: real.streamId,
    challengePollMs: 50,
    now: () => Date.now(),
    emit: (event, payload) =>
      void (event === 'challenge' && events.push(payload as ChallengeEvent)),
    onError: (error) => errors.push(error),
  });
});
afterEach(() => {
  responder.stop();
  api.close();
});

describe('ChallengeResponder', () => {
  it('answers with a leaf hash and siblings that verify against the root', async () => {
    // 5 leaves and a half: the last leaf is short and promoted unpaired up the tree.
    await hold('720p', 10, 5 * 16384 + 1000);
    await hold('720p', 11, 16384); // a single leaf, no siblings
    const ids: string[] = [];
    for (const leafIndex of [0, 3, 5]) ids.push(await challenge('720p', 10, leafIndex));
    ids.push(await challenge('720p', 11, 0));
    responder.start(getSegment);
    await until(() => events.length === 4, 'four answers');
    expect((await answers()).map((a) => a.passed)).toEqual([true, true, true, true]);
    expect(new Set(events.map((e) => e.challengeId))).toEqual(new Set(ids));
    expect(events.every((e) => e.passed)).toBe(true);
    expect(responder.stats).toMatchObject({ answered: 4, passed: 4, failed: 0 });
    const answer = real.proxy.requests.find((r) => r.path.endsWith(`/challenges/${ids[0]}`))!;
    expect(answer.auth).toBe(session.secret);
  });

  it('skips a challenge for a segment no longer held, and keeps polling', async () => {
    await real.indexSegment('720p', 20, segment(20, 30_000)); // indexed, but not in our store
    await challenge('720p', 20, 1);
    responder.start(getSegment);
    await until(() => responder.stats.polls >= 3, 'three polls');
    expect(await answers()).toEqual([]);
    expect(responder.stats.skipped).toBeGreaterThanOrEqual(1);
    expect(events).toEqual([]);
  });

  it('skips a leaf index past the segment', async () => {
    await hold('720p', 30, 20_000); // two leaves: 0 and 1
    await challenge('720p', 30, 2);
    responder.start(getSegment);
    await until(() => responder.stats.polls >= 2, 'two polls');
    expect(await answers()).toEqual([]);
    expect(responder.stats.skipped).toBeGreaterThanOrEqual(1);
  });

  it('reports a failed proof', async () => {
    await hold('720p', 40, 40_000);
    store.set('720p/40', segment(41, 40_000)); // we hold other bytes than were indexed
    await challenge('720p', 40, 1);
    responder.start(getSegment);
    await until(() => events.length === 1, 'the verdict');
    expect(events[0]).toMatchObject({ passed: false, reason: 'WRONG_PROOF' });
    expect(await answers()).toMatchObject([{ passed: false, reason: 'WRONG_PROOF' }]);
    expect(responder.stats).toMatchObject({ answered: 1, passed: 0, failed: 1 });
  });

  it('retries an answer whose request failed, and reports the outage once', async () => {
    await hold('720p', 50, 20_000);
    await challenge('720p', 50, 1);
    real.proxy.mode = '503';
    real.proxy.failPaths = /\/challenges\/[^/]+$/;
    responder.start(getSegment);
    await until(() => real.proxy.count('POST', /\/challenges\//) >= 3, 'three tries');
    expect(errors).toHaveLength(1);
    real.proxy.mode = 'pass';
    await until(() => events.length === 1, 'the answer to get through');
    expect(await answers()).toMatchObject([{ passed: true }]);
  });
});
