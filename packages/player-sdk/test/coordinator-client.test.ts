/**
 * The coordinator client against the real coordinator (embedded PGlite, port 0) indexing a real
 * live origin, behind a fault proxy for outages: sessions and tokens, integrity checks against
 * indexed roots, receipts credited on a meeting ticket, outages survived with receipts kept,
 * 4xx answers final, expired sessions reported, and destroy() bounded when the coordinator hangs.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { parseMediaPlaylist, renditionId, renditionUrls, swarmKey } from '@streamrp2p/protocol';
import { issueMeetingTicket } from '@streamrp2p/protocol/node';
import {
  CoordinatorClient,
  SdkErrorCode,
  VIEWER_ID_STORAGE_KEY,
  type CoordinatorEvents,
  type CoordinatorOptions,
} from '../src/index.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
  };
}

describe('CoordinatorClient against the real coordinator', () => {
  const secret = randomBytes(24).toString('base64url');
  /** Added to the coordinator's clock and the clients': how a test moves time forward. */
  let skewMs = 0;
  let origin: LiveOrigin;
  let real: RealCoordinator;
  let proxy: RealCoordinator['proxy'];
  let streamId: string;
  let clients: CoordinatorClient[] = [];
  let events: { name: string; payload: unknown }[] = [];

  beforeAll(async () => {
    origin = await startLiveOrigin();
    real = await startRealCoordinator({
      hlsUrl: `${origin.url}/live/master.m3u8`,
      config: {
        trackerSecret: secret,
        trackerTokenTtlSeconds: 60,
        // Everything runs on 127.0.0.1, the origin too.
        receiptsSameIpAllowed: true,
        clock: () => Date.now() + skewMs,
        // Viewers come through the fault proxy from another address than the streamer's (points
        // never pay a stream's owner); one viewer is audience enough, and any watch time counts.
        trustProxy: 'loopback',
        pointsMinAudience: 0,
        pointsMinWatchSeconds: 0,
      },
    });
    ({ proxy, streamId } = real);
    proxy.forwardedFor = '198.51.100.7';
  });

  afterEach(async () => {
    proxy.mode = 'pass';
    await Promise.all(clients.map((client) => client.destroy()));
    clients = [];
    events = [];
  });

  afterAll(async () => {
    await real?.close();
    await origin?.close();
  });

  function client(options: Partial<CoordinatorOptions> = {}): CoordinatorClient {
    const created = new CoordinatorClient({
      url: proxy.url,
      streamId,
      storage: null,
      rootWaitMs: 10_000,
      rootPollMs: 50,
      requestTimeoutMs: 2000,
      retryBaseMs: 20,
      retryMaxMs: 100,
      destroyTimeoutMs: 1000,
      now: () => Date.now() + skewMs,
      ...options,
    });
    created.onAny(({ event, payload }) => events.push({ name: event, payload }));
    clients.push(created);
    return created;
  }

  const named = <E extends keyof CoordinatorEvents>(name: E) =>
    events.filter((e) => e.name === name).map((e) => e.payload as CoordinatorEvents[E]);

  /** The newest live segment of the first rendition, with its bytes from the origin. */
  async function liveSegment() {
    const masterUrl = `${origin.url}/live/master.m3u8`;
    const mediaUrl = renditionUrls(await (await fetch(masterUrl)).text(), masterUrl)[0]!;
    const media = parseMediaPlaylist(await (await fetch(mediaUrl)).text(), mediaUrl);
    const segment = media.segments.at(-1)!;
    const bytes = new Uint8Array(await (await fetch(segment.url)).arrayBuffer());
    return { rendition: renditionId(mediaUrl), sequence: segment.sequence, bytes };
  }

  it('creates one session for concurrent starts, stores the viewer id and reports it', async () => {
    const storage = memoryStorage();
    const viewer = client({ storage });
    const before = proxy.count('POST', /^\/api\/sessions$/);
    const [a, b] = await Promise.all([viewer.start(), viewer.start()]);
    expect(b).toEqual(a);
    expect(proxy.count('POST', /^\/api\/sessions$/)).toBe(before + 1);
    expect(storage.data.get(VIEWER_ID_STORAGE_KEY)).toBe(a.viewerId);
    expect(named('session')).toEqual([a]);
    expect(viewer.getStats().session).toEqual(a);
  });

  it('needs a session for tokens, and refreshes the token near its expiry', async () => {
    const viewer = client({ tokenRefreshMarginMs: 30_000 });
    expect(() => viewer.trackerToken()).toThrow(/start\(\)/);
    await viewer.start();
    const first = await viewer.trackerToken();
    expect(await viewer.trackerToken()).toBe(first);
    const refreshes = proxy.count('POST', /\/token$/);
    skewMs += 35_000; // the 60 s token now expires within the 30 s margin
    const second = await viewer.trackerToken();
    expect(second).not.toBe(first);
    expect(proxy.count('POST', /\/token$/)).toBe(refreshes + 1);
  });

  it('verifies segments against indexed roots; a receipt on a meeting ticket is credited and challenged', async () => {
    const uploader = client({ challengePollMs: 50 });
    const { peerId: uploaderPeerId } = await uploader.start();
    const { rendition, sequence, bytes } = await liveSegment();
    let receiverPeerId = '';
    const receiver = client({
      meetingTickets: () => [
        issueMeetingTicket(
          secret,
          swarmKey({ streamId, rendition }),
          uploaderPeerId,
          receiverPeerId,
        ),
      ],
    });
    ({ peerId: receiverPeerId } = await receiver.start());

    const check = await receiver.verifySegment(rendition, sequence, bytes);
    expect(check).toMatchObject({ status: 'ok', root: { sequence } });
    if (check.status !== 'ok') return;
    const altered = bytes.slice();
    altered[0]! ^= 1;
    expect((await receiver.verifySegment(rendition, sequence, altered)).status).toBe('mismatch');

    const { root, byteLength } = check.root;
    expect(await receiver.receiptFor(uploaderPeerId, rendition, sequence, root, byteLength)).toBe(
      true,
    );
    await receiver.receiptFor('nobody-here', rendition, sequence, root, byteLength);
    const result = await receiver.flushReceipts();
    expect(result).toMatchObject({ sent: 2, credited: 1, rejected: 1 });
    expect(named('receipt-rejected')).toMatchObject([
      // No meeting ticket names that peer: we never met it.
      { code: 'NO_TICKET', receipt: { uploaderPeerId: 'nobody-here' } },
    ]);
    expect(receiver.getStats()).toMatchObject({ receipts: { pending: 0, credited: 1 } });

    // The coordinator challenges the uploader for what it was credited; it answers from its store.
    uploader.startChallenges((r, s) => (r === rendition && s === sequence ? bytes : undefined));
    await until(() => named('challenge').length === 1, 'a challenge answered', 5000);
    expect(named('challenge')).toMatchObject([{ rendition, sequence, passed: true }]);
  });

  it('reports points the coordinator awarded: a follow, and watch time from heartbeats', async () => {
    let watched = 0;
    const viewer = client({ heartbeatMs: 20, monotonicNow: () => watched });
    await viewer.start();
    const follow = await viewer.award('follow_streamer');
    expect(named('points')).toMatchObject([
      { action: 'follow_streamer', awarded: follow.awarded, balance: follow.balance },
    ]);
    expect(follow.awarded).toBeGreaterThan(0);

    // Two minutes of playing, on both clocks: the next heartbeat claims them.
    viewer.startHeartbeats(() => true);
    skewMs += 120_000;
    watched += 120_000;
    await until(() => named('points').length === 2, 'the watch-time award', 5000);
    const [, watch] = named('points');
    expect(watch).toMatchObject({ action: 'watch_time' });
    expect(watch!.awarded).toBeGreaterThan(0);
    expect(watch!.balance).toBe(follow.balance + watch!.awarded);
    expect(viewer.getStats().points).toMatchObject({ balance: watch!.balance });
  });

  it('survives an outage: non-fatal errors, receipts kept and delivered once it is back', async () => {
    const viewer = client();
    await viewer.start();
    const { rendition, sequence, bytes } = await liveSegment();
    const check = await viewer.verifySegment(rendition, sequence, bytes);
    if (check.status !== 'ok') throw new Error(`no root: ${check.status}`);

    proxy.mode = '503';
    await viewer.receiptFor('nobody-here', rendition, sequence, check.root.root, 100);
    const failed = await viewer.flushReceipts();
    expect(failed.error).toMatchObject({ code: SdkErrorCode.CoordinatorUnavailable });
    expect(named('error')).toMatchObject([
      { code: 'COORDINATOR_UNAVAILABLE', fatal: false, details: { status: 503 } },
    ]);
    proxy.mode = 'close';
    expect((await viewer.flushReceipts()).error).toMatchObject({
      code: SdkErrorCode.CoordinatorUnavailable,
    });
    expect(viewer.getStats()).toMatchObject({ receipts: { pending: 1 } });

    proxy.mode = 'pass';
    const delivered = await viewer.flushReceipts();
    // Answered by the real coordinator at last (the uploader is unknown to it: rejected).
    expect(delivered).toMatchObject({ sent: 1, rejected: 1 });
    expect(viewer.getStats()).toMatchObject({ receipts: { pending: 0 } });
  });

  it('takes a 4xx as final: COORDINATOR_REJECTED, not retried', async () => {
    const lost = client({ streamId: 'no-such-stream' });
    const before = proxy.count('POST', /^\/api\/sessions$/);
    await expect(lost.start()).rejects.toMatchObject({
      code: SdkErrorCode.CoordinatorRejected,
      details: { status: 404, retryable: false },
    });
    expect(proxy.count('POST', /^\/api\/sessions$/)).toBe(before + 1);
  });

  it('reports a session the coordinator ended as expired, once', async () => {
    const viewer = client({ challengePollMs: 30 });
    const { sessionId } = await viewer.start();
    await real.coordinator.db
      .updateTable('sessions')
      .set({ ended_at: new Date(Date.now() + skewMs) })
      .where('id', '=', sessionId)
      .execute();
    viewer.startChallenges(() => undefined);
    await until(() => named('error').length >= 2, 'two failed challenge polls');
    expect(named('session-expired')).toEqual([{ sessionId, code: 'SESSION_EXPIRED' }]);
  });

  it('destroy() flushes receipts and ends the session, and gives up in time on a hang', async () => {
    const viewer = client({ receiptFlushMs: 60_000 });
    const { sessionId } = await viewer.start();
    await viewer.receiptFor('nobody-here', 'r', 1, 'cd'.repeat(32), 100);
    expect(await viewer.destroy()).toEqual({ unsentReceipts: 0, sessionEnded: true });
    const row = await real.coordinator.db
      .selectFrom('sessions')
      .select('ended_at')
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();

    const hung = client({ destroyTimeoutMs: 300, requestTimeoutMs: 10_000 });
    await hung.start();
    await hung.receiptFor('nobody-here', 'r', 1, 'cd'.repeat(32), 100);
    proxy.mode = 'hang';
    const started = performance.now();
    expect(await hung.destroy()).toEqual({ unsentReceipts: 1, sessionEnded: false });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
