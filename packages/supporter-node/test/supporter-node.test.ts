import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { P2PEngine } from '@streamrp2p/player-sdk';
import { renditionId } from '@streamrp2p/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupporterNode, type SupporterProgress } from '../src/index.js';
import { PlaybackClock } from '../../../test/support/live-swarm.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a supporter node serves a live stream to viewers', () => {
  let stack: DemoStack;
  const nodes: SupporterNode[] = [];
  const engines: P2PEngine[] = [];
  const clocks: PlaybackClock[] = [];

  beforeAll(async () => {
    stack = await startDemoStack({ coordinator: false });
  });

  afterAll(async () => {
    clocks.forEach((clock) => clock.stop());
    await Promise.all([...engines.map((e) => e.destroy()), ...nodes.map((n) => n.close())]);
    await stack?.close();
  });

  /** A supporter of `streamId`, started and holding its window, plus one viewer engine. */
  async function supporterAndViewer(streamId: string, maxUploadKbps?: number) {
    const node = new SupporterNode({
      streamUrl: `${stack.origin.url}/live/master.m3u8`,
      streamId,
      trackerUrl: stack.trackerUrl,
      iceServers: [],
      maxUploadKbps,
    });
    nodes.push(node);
    const progress: SupporterProgress[] = [];
    node.on('progress', (p) => progress.push(p));
    const uploads: { at: number; bytes: number }[] = [];
    node.engine.on('uploaded', ({ bytes }) => uploads.push({ at: performance.now(), bytes }));
    const ready = new Promise<void>((resolve) => node.engine.once('ready', () => resolve()));
    const { renditions } = await node.start();
    await ready;
    // Let it take the live window before the viewer arrives.
    await expect
      .poll(() => node.engine.getStats().httpSegments, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2 * 6);

    const playlist = `${stack.origin.url}/live/240p/index.m3u8`;
    const viewer = new P2PEngine({ streamId, trackerUrl: stack.trackerUrl, wrtc, iceServers: [] });
    engines.push(viewer);
    await new Promise<void>((resolve) => viewer.once('ready', () => resolve()));
    const clock = new PlaybackClock(viewer, playlist, renditionId(playlist));
    clocks.push(clock);
    return { node, viewer, clock, renditions, progress, uploads };
  }

  it('holds every rendition and a viewer gets segments from it over P2P', async () => {
    const { node, viewer, clock, renditions, progress } = await supporterAndViewer('open-node');
    expect(renditions).toEqual(['live_240p_index', 'live_360p_index']);
    expect(node.engine.getStats().storeBytes).toBeGreaterThan(0);
    clock.start();
    // A new segment goes to whichever of the two ranks first for HTTP; the rest comes over P2P.
    // Waits for the first segment from the node (on a busy machine the first few can all be
    // the viewer's to fetch over HTTP).
    await expect.poll(() => clock.sources.p2p, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    clock.stop();

    const stats = viewer.getStats();
    expect(clock.errors).toEqual([]);
    expect(stats.p2pBytes).toBeGreaterThan(0);
    // Every byte the viewer got from peers, the node uploaded (it is the only peer).
    expect(node.engine.getStats().uploadedBytes).toBe(stats.p2pBytes);
    // Progress events come once a second, and the first P2P segment can arrive sooner.
    await expect.poll(() => progress.at(-1)?.stats.peers, { timeout: 5_000 }).toBe(1);
    const last = progress.at(-1)!;
    expect(last.renditions).toEqual(renditions);
    expect(last.coordinator).toBeUndefined();
  }, 120_000);

  it('keeps its uploads under the cap', async () => {
    const capKbps = 400;
    const { node, clock, uploads } = await supporterAndViewer('capped-node', capKbps);
    clock.start();
    // On a loaded machine the first segments can all be the viewer's to fetch over HTTP (CI
    // once saw no upload in 12 s): the window measured starts at the first upload.
    await expect.poll(() => uploads.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await sleep(10_000);
    clock.stop();

    const uploaded = node.engine.getStats().uploadedBytes;
    expect(uploaded).toBeGreaterThan(0);
    const seconds = (uploads.at(-1)!.at - uploads[0]!.at) / 1000;
    // A token bucket of capKbps with a one-second (at least 64 KiB) burst; a generous margin
    // for chunk granularity and timers.
    const bound = ((capKbps * 1000) / 8) * (seconds + 1) * 1.25 + 64 * 1024;
    expect(uploaded).toBeLessThanOrEqual(bound);
    console.log('capped supporter:', { uploaded, seconds, bound, sources: clock.sources });
  }, 90_000);
});

describe('a supporter node with a coordinator', () => {
  let stack: DemoStack;
  let dataDir: string;
  let node: SupporterNode | undefined;
  let viewer: P2PEngine | undefined;
  let clock: PlaybackClock | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'streamrp2p-supporter-'));
    stack = await startDemoStack({ coordinator: { dataDir } });
  }, 60_000);

  afterAll(async () => {
    clock?.stop();
    await Promise.all([viewer?.destroy(), node?.close()]);
    await stack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('is credited exactly the verified bytes the viewers it served received from it', async () => {
    const supporter = new SupporterNode({
      streamUrl: `${stack.origin.url}/live/master.m3u8`,
      streamId: stack.streamId,
      trackerUrl: stack.trackerUrl,
      coordinatorUrl: stack.coordinatorUrl,
      iceServers: [],
      renditions: ['240p'],
      creditRefreshMs: 500,
    });
    node = supporter;
    const progress: SupporterProgress[] = [];
    supporter.on('progress', (p) => progress.push(p));
    await supporter.start();
    await expect
      .poll(() => supporter.engine.getStats().httpSegments, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(6);

    const playlist = `${stack.origin.url}/live/240p/index.m3u8`;
    viewer = new P2PEngine({
      streamId: stack.streamId,
      trackerUrl: stack.trackerUrl,
      coordinatorUrl: stack.coordinatorUrl,
      wrtc,
      iceServers: [],
    });
    const fromNode: number[] = [];
    viewer.on('segment-loaded', (event) => {
      if (event.verified && event.peerId === supporter.engine.peerId) fromNode.push(event.bytes);
    });
    await new Promise<void>((resolve) => viewer!.once('ready', () => resolve()));
    clock = new PlaybackClock(viewer, playlist, renditionId(playlist));
    clock.start();
    // Waits for the first verified segment from the node, and for at least four segments in all.
    await expect.poll(() => fromNode.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => clock!.loaded.size, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    clock.stop();
    expect(clock.errors).toEqual([]);
    await viewer.coordinator!.flushReceipts();

    const verifiedBytes = fromNode.reduce((sum, bytes) => sum + bytes, 0);
    await expect.poll(() => supporter.refreshCredit(), { timeout: 10_000 }).toBe(verifiedBytes);
    const summary = await supporter.engine.coordinator!.summary();
    expect(summary.creditedBytes).toBe(verifiedBytes);
    expect(summary.streamId).toBe(stack.streamId);
    // The progress events carry it too, once a refresh ran.
    await expect
      .poll(() => progress.at(-1)?.coordinator?.creditedBytes, { timeout: 5_000 })
      .toBe(verifiedBytes);
  }, 120_000);
});
