import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../errors.js';
import { ApiClient } from './api-client.js';
import { ChallengeResponder } from './challenges.js';
import type { ChallengeEvent } from './events.js';
import { startFakeCoordinator, until, type FakeCoordinator } from './fake-coordinator.fixture.js';
import { Session } from './session.js';

let server: FakeCoordinator;
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
  await server.addSegment(rendition, sequence, bytes);
  store.set(`${rendition}/${sequence}`, bytes);
}

const getSegment = (rendition: string, sequence: number) => store.get(`${rendition}/${sequence}`);

beforeEach(async () => {
  server = await startFakeCoordinator();
  api = new ApiClient({ baseUrl: server.url, timeoutMs: 500 });
  session = await Session.create(api, {
    streamId: 'demo',
    viewerId: undefined,
    storage: undefined,
    now: () => Date.now(),
    tokenRefreshMarginMs: 0,
  });
  store.clear();
  events = [];
  errors = [];
  responder = new ChallengeResponder(api, session, {
    streamId: 'demo',
    challengePollMs: 50,
    now: () => Date.now(),
    emit: (event, payload) =>
      void (event === 'challenge' && events.push(payload as ChallengeEvent)),
    onError: (error) => errors.push(error),
  });
});
afterEach(async () => {
  responder.stop();
  api.close();
  await server.close();
});

describe('ChallengeResponder', () => {
  it('answers with a leaf hash and siblings that verify against the root', async () => {
    // 5 leaves and a half: the last leaf is short and promoted unpaired up the tree.
    await hold('720p', 10, 5 * 16384 + 1000);
    await hold('720p', 11, 16384); // a single leaf, no siblings
    const ids = [0, 3, 5].map((leafIndex) =>
      server.addChallenge(session.sessionId, {
        streamId: 'demo',
        rendition: '720p',
        sequence: 10,
        leafIndex,
      }),
    );
    ids.push(
      server.addChallenge(session.sessionId, {
        streamId: 'demo',
        rendition: '720p',
        sequence: 11,
        leafIndex: 0,
      }),
    );
    responder.start(getSegment);
    await until(() => events.length === 4);
    expect(server.answers.every((a) => a.passed)).toBe(true);
    expect(events.map((e) => [e.challengeId, e.passed])).toEqual(ids.map((id) => [id, true]));
    expect(responder.stats).toMatchObject({ answered: 4, passed: 4, failed: 0 });
    const answer = server.requests.find((r) => r.path.endsWith(`/challenges/${ids[0]}`))!;
    expect(answer.auth).toBe(session.secret);
  });

  it('skips a challenge for a segment no longer held, and keeps polling', async () => {
    await server.addSegment('720p', 20, segment(20, 30_000)); // indexed, but not in our store
    server.addChallenge(session.sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 20,
      leafIndex: 1,
    });
    responder.start(getSegment);
    await until(() => responder.stats.polls >= 3);
    expect(server.answers).toEqual([]);
    expect(responder.stats.skipped).toBe(1);
    expect(events).toEqual([]);
  });

  it('skips expired challenges and leaf indexes past the segment', async () => {
    await hold('720p', 30, 20_000);
    server.addChallenge(session.sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 30,
      leafIndex: 0,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    server.addChallenge(session.sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 30,
      leafIndex: 2,
    });
    responder.start(getSegment);
    await until(() => responder.stats.polls >= 2);
    expect(server.answers).toEqual([]);
    expect(responder.stats.skipped).toBe(2);
  });

  it('reports a failed proof', async () => {
    await hold('720p', 40, 40_000);
    store.set('720p/40', segment(41, 40_000)); // we hold other bytes than were indexed
    server.addChallenge(session.sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 40,
      leafIndex: 1,
    });
    responder.start(getSegment);
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({ passed: false, reason: 'WRONG_PROOF' });
    expect(responder.stats).toMatchObject({ answered: 1, passed: 0, failed: 1 });
  });

  it('retries an answer whose request failed, and reports the outage once', async () => {
    await hold('720p', 50, 20_000);
    server.addChallenge(session.sessionId, {
      streamId: 'demo',
      rendition: '720p',
      sequence: 50,
      leafIndex: 1,
    });
    server.failMode = '503';
    server.failPaths = /\/challenges\/ch/;
    responder.start(getSegment);
    await until(() => server.count('POST', /\/challenges\//) >= 3);
    expect(errors).toHaveLength(1);
    server.failMode = 'ok';
    await until(() => server.answers.length === 1);
    expect(server.answers[0]!.passed).toBe(true);
  });
});
