/**
 * Two engines in Node over real WebRTC (wrtc), with a real tracker and coordinator sharing a
 * secret and the live origin: a segment one engine served the other is credited to it, because
 * the receiver's batch carries the meeting ticket the tracker gave both peers when they signalled
 * (decision 22).
 */
import { randomBytes } from 'node:crypto';
import wrtc from '@roamhq/wrtc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLiveOrigin, type LiveOrigin } from '@streamrp2p/live-origin';
import { parseMediaPlaylist, renditionId, renditionUrls } from '@streamrp2p/protocol';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { P2PEngine } from '../src/index.js';
import { nextEvent, untilPeerSays } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

describe('meeting tickets between two engines', () => {
  const secret = randomBytes(24).toString('base64url');
  let origin: LiveOrigin;
  let tracker: Tracker;
  let real: RealCoordinator;
  let trackerUrl: string;
  let coordinatorUrl: string;
  let streamId: string;
  let engines: P2PEngine[] = [];

  beforeAll(async () => {
    origin = await startLiveOrigin();
    // Renewals every second, so the test sees connected pairs renew their tickets.
    tracker = createTracker({ secret, maxPeersPerIpPerSwarm: 10, meetingTicketRenewMs: 1000 });
    trackerUrl = (await tracker.start()).url;
    real = await startRealCoordinator({
      hlsUrl: `${origin.url}/live/master.m3u8`,
      config: {
        trackerSecret: secret,
        // Both engines run on 127.0.0.1, and so does the origin.
        receiptsSameIpAllowed: true,
      },
    });
    ({ url: coordinatorUrl, streamId } = real);
  });

  afterEach(async () => {
    await Promise.all(engines.map((engine) => engine.destroy()));
    engines = [];
  });

  afterAll(async () => {
    await real?.close();
    await tracker?.close();
    await origin?.close();
  });

  async function engine(): Promise<P2PEngine> {
    const created = new P2PEngine({
      trackerUrl,
      coordinatorUrl,
      streamId,
      wrtc,
      iceServers: [],
      consumeOnly: false,
    });
    engines.push(created);
    await nextEvent(created, 'ready');
    return created;
  }

  /** The two newest segments of the first rendition, once the coordinator indexed both. */
  async function liveSegments() {
    const masterUrl = `${origin.url}/live/master.m3u8`;
    const master = await (await fetch(masterUrl)).text();
    const mediaUrl = renditionUrls(master, masterUrl)[0]!;
    const rendition = renditionId(mediaUrl);
    for (;;) {
      const media = parseMediaPlaylist(await (await fetch(mediaUrl)).text(), mediaUrl);
      const [older, newer] = media.segments.slice(-2);
      const indexed = await real.coordinator.db
        .selectFrom('segment_roots')
        .select('sequence')
        .where('stream_id', '=', streamId)
        .where('rendition', '=', rendition)
        .where('sequence', 'in', [older!.sequence, newer!.sequence])
        .execute();
      if (indexed.length === 2) return { rendition, older: older!, newer: newer! };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function creditedBytes(peerId: string): Promise<number> {
    await real.coordinator.flushCredits();
    const row = await real.coordinator.db
      .selectFrom('sessions')
      .select('credited_bytes')
      .where('peer_id', '=', peerId)
      .executeTakeFirstOrThrow();
    return Number(row.credited_bytes);
  }

  it('credits the uploader of a segment served over P2P, on the strength of its ticket', async () => {
    const uploader = await engine();
    const receiver = await engine();
    const { rendition, older, newer } = await liveSegments();
    const connected = Promise.all([
      nextEvent(uploader, 'peer-connect'),
      nextEvent(receiver, 'peer-connect'),
    ]);
    const held = await uploader.loadSegment({
      rendition,
      sequence: newer.sequence,
      url: newer.url,
      deadlineMs: 30_000,
      live: true,
    });
    expect(held.source).toBe('http');
    const fromHttp = await receiver.loadSegment({
      rendition,
      sequence: older.sequence,
      url: older.url,
      deadlineMs: 30_000,
      live: true,
    });
    await connected;
    // The holder tells what it has as soon as the channel opens.
    await untilPeerSays(receiver, rendition, newer.sequence, 'held');
    const served = await receiver.loadSegment({
      rendition,
      sequence: newer.sequence,
      url: newer.url,
      deadlineMs: 30_000,
      live: true,
    });
    expect(served.source).toBe('p2p');

    const answered = nextEvent(receiver, 'receipts', 20_000, (r) => r.sent > 0);
    await receiver.coordinator!.flushReceipts();
    expect(await answered).toMatchObject({ credited: 1, rejected: 0 });
    expect(await creditedBytes(uploader.peerId!)).toBe(held.bytes.length);

    // The receipt carries the receiver's delivery time (decision 33)...
    const [receipt] = await real.coordinator.db
      .selectFrom('receipts')
      .select(['delivery_ms', 'byte_length'])
      .where('stream_id', '=', streamId)
      .execute();
    expect(receipt?.delivery_ms).toBe(served.deliveryMs);
    expect(receipt?.delivery_ms).toBeGreaterThanOrEqual(0);
    // ...and closing sends the usage not reported yet: one segment over HTTP, one from a peer.
    await receiver.destroy();
    const usage = await real.coordinator.db
      .selectFrom('stream_metrics_minute')
      .selectAll()
      .where('stream_id', '=', streamId)
      .execute();
    expect(usage.map((u) => [u.cdn_bytes, u.cdn_segments, u.reported_p2p_bytes])).toEqual([
      [fromHttp.bytes.length, 1, served.bytes.length],
    ]);
  });

  it('renews the tickets of connected peers as often as the tracker asks', async () => {
    const a = await engine();
    const b = await engine();
    const { rendition, older, newer } = await liveSegments();
    const connected = Promise.all([nextEvent(a, 'peer-connect'), nextEvent(b, 'peer-connect')]);
    await a.loadSegment({ rendition, ...newer, deadlineMs: 30_000, live: true });
    await b.loadSegment({ rendition, ...older, deadlineMs: 30_000, live: true });
    await connected;
    const renewals = async () =>
      /tickets_issued_total\{via="renewal"\} (\d+)/.exec(await tracker.metrics.registry.metrics());
    // Both sides renew, each its own copy.
    await expect
      .poll(async () => Number((await renewals())?.[1] ?? 0), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
  });
});
