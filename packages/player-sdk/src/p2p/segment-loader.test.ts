import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Verification } from '../coordinator/coordinator-link.js';
import { EventBus } from '../emitter.js';
import { SdkError, SdkErrorCode } from '../errors.js';
import { mergeEngineConfig } from './config.js';
import type { LoaderServices, LoadReport } from './loader-services.js';
import type { PeerConnection } from './peer-connection.js';
import { PeerScore } from './peer-score.js';
import { SegmentLoader } from './segment-loader.js';
import type { Swarm, SwarmEvents } from './swarm.js';

const SEGMENT = Uint8Array.from({ length: 64_000 }, (_, i) => i % 253);

/**
 * An origin that sends the first `sentFirst` bytes of the segment (half, unless a test says),
 * then holds the rest until `release()`: long enough for a root to arrive during the transfer,
 * or not.
 */
let server: Server;
let url: string;
let held: ServerResponse[] = [];
let closedEarly = 0;
let sentFirst = SEGMENT.byteLength / 2;

function release(): void {
  for (const res of held.splice(0)) res.end(SEGMENT.subarray(sentFirst));
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': SEGMENT.byteLength });
    res.write(SEGMENT.subarray(0, sentFirst));
    res.on('close', () => {
      if (!res.writableEnded) closedEarly += 1;
    });
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/seg.ts`;
});

afterAll(async () => {
  release();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  held = [];
  closedEarly = 0;
  sentFirst = SEGMENT.byteLength / 2;
});

/** A fake peer's `download`: the real one's signature. */
type FakeDownload = PeerConnection['download'];

/** A connected peer; by default it holds the segment and sends it at once. */
function fakePeer(overrides: Partial<Record<'has' | 'isFetching', () => boolean>> = {}) {
  return {
    peerId: 'uploader',
    sharing: true,
    activeDownloads: 0,
    score: new PeerScore(),
    has: () => true,
    isFetching: () => false,
    download: ((_sequence, _offset, handlers) => {
      handlers.onHeader(SEGMENT.byteLength);
      handlers.onChunk(SEGMENT);
      return Promise.resolve();
    }) as FakeDownload,
    ...overrides,
  };
}

/** A connected peer that sends the segment from any offset it is asked for, noting each. */
function resumingPeer(has: () => boolean, offsets: number[]) {
  return {
    ...fakePeer({ has }),
    download: ((_sequence, offset, handlers) => {
      offsets.push(offset);
      handlers.onHeader(SEGMENT.byteLength);
      handlers.onChunk(SEGMENT.subarray(offset));
      return Promise.resolve();
    }) as FakeDownload,
  };
}

/** A swarm of the given peers whose events a test raises. */
class FakeSwarm extends EventBus<SwarmEvents> {
  readonly key = 's/720p';
  readonly rendition = '720p';
  readonly createdAt = performance.now();
  /** Whether every neighbour is connected and has said what it holds. */
  settled = true;
  constructor(readonly peers: ReturnType<typeof fakePeer>[]) {
    super();
  }
  connected(): PeerConnection[] {
    return this.peers as unknown as PeerConnection[];
  }
  unsettled(): boolean {
    return !this.settled;
  }
}

/**
 * A loader of one swarm around `peers`, with an in-memory store and a recording of what it
 * reports and announces. `verify` answers the first check (the one bounded by the deadline)
 * with `first`; later checks with `later`.
 */
function loaderWith(options: {
  peers?: ReturnType<typeof fakePeer>[];
  first?: Verification;
  later?: Promise<Verification>;
  keeps?: boolean;
  /** When connections opened (`performance.now()`); undefined: still deferred. */
  openedAt?: number;
}) {
  const peers = options.peers ?? [fakePeer()];
  const swarm = new FakeSwarm(peers);
  const stored = new Map<number, Uint8Array>();
  const verifyCalls: number[] = [];
  const reports: LoadReport[] = [];
  const announced: string[] = [];
  const services: LoaderServices = {
    config: mergeEngineConfig({ streamId: 's', trackerUrl: 'http://127.0.0.1:1' }),
    store: {
      get: (_swarm, sequence) => stored.get(sequence),
      put: (_swarm, sequence, bytes) => {
        if (options.keeps !== false) stored.set(sequence, bytes);
      },
      has: (_swarm, sequence) => stored.has(sequence),
    },
    http: {
      estimateMs: () => 200,
      segmentSize: () => undefined,
      record: () => undefined,
      recordSize: () => undefined,
    },
    self: () => ({ peerId: 'me', consumeOnly: false }),
    connectionsOpenedAt: () => options.openedAt,
    announce: (_swarm, sequence, state) => announced.push(`${sequence} ${state}`),
    verify: (_rendition, _sequence, _bytes, waitMs) => {
      verifyCalls.push(waitMs);
      if (verifyCalls.length === 1) return Promise.resolve(options.first ?? { status: 'unknown' });
      return options.later ?? Promise.resolve({ status: 'unknown' });
    },
    report: (report) => reports.push(report),
  };
  const loader = new SegmentLoader(swarm as unknown as Swarm, services);
  const reported = () => ({
    unverified: reports.filter((r) => r.type === 'unverified').map((r) => r.sequence),
    integrity: reports.flatMap((r) => (r.type === 'integrity-failure' ? [r.peerId] : [])),
  });
  const counted = () => {
    const total = { http: 0, p2p: 0 };
    for (const r of reports) if (r.type === 'bytes') total[r.from] += r.bytes;
    return total;
  };
  return { loader, swarm, services, stored, verifyCalls, reports, reported, counted, announced };
}

/** A loader whose first root check answers "unknown" and whose later one is `lateRoot`. */
const contextWith = (lateRoot: Promise<Verification>) => loaderWith({ later: lateRoot });

/** A request whose deadline leaves no time to wait for a root (a small buffer). */
const request = () => ({ rendition: '720p', sequence: 7, url, deadlineMs: 1000, live: true });

const waitFor = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true));

describe('loadSegment: peer bytes whose root is not indexed in time', () => {
  it("uses the peer's bytes when their root arrives during the HTTP refetch, and cancels it", async () => {
    let arrive!: (verification: Verification) => void;
    const { loader, services, verifyCalls, reported } = contextWith(
      new Promise((resolve) => (arrive = resolve)),
    );
    const loading = loader.load(request());
    await waitFor(() => held.length === 1);
    arrive({ status: 'ok', root: 'ab'.repeat(32) });
    const result = await loading;

    expect(verifyCalls).toEqual([0, services.config.rootWaitMs]);
    expect(result).toMatchObject({
      source: 'p2p',
      peerId: 'uploader',
      verified: true,
      root: 'ab'.repeat(32),
      httpReason: undefined,
      p2pBytes: SEGMENT.byteLength,
      httpBytes: 0,
    });
    expect(result.bytes).toEqual(SEGMENT);
    await waitFor(() => closedEarly === 1);
    expect(reported()).toEqual({ unverified: [], integrity: [] });
  });

  it('plays the HTTP bytes when the root does not come before the transfer ends', async () => {
    let arrive!: (verification: Verification) => void;
    const { loader, reported } = contextWith(new Promise((resolve) => (arrive = resolve)));
    const loading = loader.load(request());
    await waitFor(() => held.length === 1);
    release();
    const result = await loading;
    expect(result).toMatchObject({
      source: 'http',
      peerId: undefined,
      verified: false,
      httpReason: 'verification-failed',
      httpBytes: SEGMENT.byteLength,
      p2pBytes: 0,
    });
    expect(result.bytes).toEqual(SEGMENT);
    expect(result.http?.endedAt).toBeGreaterThan(0);
    // Still unknown once the full wait is over: reported as before.
    arrive({ status: 'unknown' });
    await waitFor(() => reported().unverified.length === 1);
    expect(reported().integrity).toEqual([]);
  });

  it('reports a peer whose bytes turn out not to match, and keeps the HTTP transfer', async () => {
    const { loader, reported, counted } = contextWith(Promise.resolve({ status: 'mismatch' }));
    const loading = loader.load(request());
    await waitFor(() => reported().integrity.length === 1);
    expect(reported().integrity).toEqual(['uploader']);
    release();
    const result = await loading;
    expect(result).toMatchObject({ source: 'http', peerId: undefined, verified: false });
    expect(result.bytes).toEqual(SEGMENT);
    expect(counted()).toEqual({ http: SEGMENT.byteLength, p2p: SEGMENT.byteLength });
    expect(closedEarly).toBe(0);
  });

  it('refetches at once, without a second wait, when the whole root wait was spent', async () => {
    const { loader, services, verifyCalls } = contextWith(
      Promise.resolve({ status: 'ok', root: 'cd' }),
    );
    const loading = loader.load({ ...request(), deadlineMs: 60_000 });
    await waitFor(() => held.length === 1);
    release();
    const result = await loading;
    expect(verifyCalls).toEqual([services.config.rootWaitMs]);
    expect(result).toMatchObject({ source: 'http', httpReason: 'verification-failed' });
  });
});

describe('SegmentLoader: peers, scores and claims', () => {
  const vod = () => ({ ...request(), deadlineMs: 60_000, live: false });

  it('takes a held segment from the peer, scores the peer and keeps the segment', async () => {
    const peer = fakePeer();
    const { loader, stored, announced } = loaderWith({
      peers: [peer],
      first: { status: 'ok', root: 'ef' },
    });
    const result = await loader.load(vod());
    expect(result).toMatchObject({ source: 'p2p', peerId: 'uploader', verified: true, root: 'ef' });
    expect(peer.score.successes).toBe(1);
    expect(peer.score.failures).toBe(0);
    expect(peer.score.speed).toBeGreaterThan(0);
    expect(stored.get(7)).toEqual(SEGMENT);
    // Claimed while downloading; the store announces "held" itself.
    expect(announced).toEqual(['7 fetching']);
    expect(loader.fetching()).toEqual([]);
  });

  it('serves a stored segment from the cache, without asking peers or HTTP', async () => {
    const peer = fakePeer();
    const { loader, stored, reports } = loaderWith({ peers: [peer] });
    stored.set(7, SEGMENT);
    const result = await loader.load(vod());
    expect(result).toMatchObject({ source: 'cache', httpBytes: 0, p2pBytes: 0 });
    expect(peer.score.successes).toBe(0);
    expect(reports).toEqual([]);
  });

  it('counts a failed download against the peer, reports it and fetches over HTTP', async () => {
    const peer = {
      ...fakePeer(),
      download: () => Promise.reject(new SdkError(SdkErrorCode.PeerAbsent, 'not here')),
    };
    const { loader, reports } = loaderWith({ peers: [peer] });
    const loading = loader.load(vod());
    await waitFor(() => held.length === 1);
    release();
    const result = await loading;
    expect(result).toMatchObject({ source: 'http', httpReason: 'no-peers', peerId: undefined });
    expect(peer.score.failures).toBe(1);
    expect(peer.score.successes).toBe(0);
    expect(reports.filter((r) => r.type === 'peer-failure')).toMatchObject([
      { peerId: 'uploader', error: { code: SdkErrorCode.PeerAbsent } },
    ]);
  });

  it('does not count an abort of the load against the peer', async () => {
    const controller = new AbortController();
    const peer = {
      ...fakePeer(),
      download: (_s: number, _o: number, _h: unknown, signal?: AbortSignal) =>
        new Promise<void>((_resolve, reject) =>
          signal?.addEventListener('abort', () =>
            reject(new SdkError(SdkErrorCode.Aborted, 'download aborted')),
          ),
        ),
    };
    const { loader, reports } = loaderWith({ peers: [peer] });
    const loading = loader.load({ ...vod(), signal: controller.signal });
    controller.abort();
    await expect(loading).rejects.toMatchObject({ code: SdkErrorCode.Aborted });
    expect(peer.score.failures).toBe(0);
    expect(reports.filter((r) => r.type === 'peer-failure')).toEqual([]);
  });

  it('claims a segment a neighbour is fetching while it waits, then takes it from that neighbour', async () => {
    let holds = false;
    const peer = fakePeer({ has: () => holds, isFetching: () => !holds });
    const { loader, swarm, announced } = loaderWith({
      peers: [peer],
      first: { status: 'ok', root: 'ef' },
    });
    const loading = loader.load(vod());
    await waitFor(() => announced.length === 1);
    expect(announced).toEqual(['7 fetching']);
    expect(loader.fetching()).toEqual([7]);
    holds = true;
    swarm.emit('peer-state', { peerId: 'uploader', sequence: 7 });
    const result = await loading;
    expect(result).toMatchObject({ source: 'p2p', peerId: 'uploader' });
    expect(announced).toEqual(['7 fetching']);
    expect(loader.fetching()).toEqual([]);
  });

  it('announces "dropped" for a delivered segment the store could not keep', async () => {
    const { loader, announced } = loaderWith({ first: { status: 'ok', root: 'ef' }, keeps: false });
    await loader.load(vod());
    expect(announced).toEqual(['7 fetching', '7 dropped']);
  });

  it('waits for a neighbour still connecting instead of fetching at once, then takes the segment from it', async () => {
    const { loader, swarm } = loaderWith({
      peers: [],
      first: { status: 'ok', root: 'ef' },
      openedAt: performance.now(),
    });
    swarm.settled = false;
    const fetches = vi.spyOn(globalThis, 'fetch');
    const loading = loader.load(vod());
    // The decision is taken in microtasks: after one turn of the event loop it would have fetched.
    await new Promise(setImmediate);
    expect(fetches).not.toHaveBeenCalled();
    // The neighbour connects and says it holds the segment.
    swarm.peers.push(fakePeer());
    swarm.settled = true;
    swarm.emit('peer-state', { peerId: 'uploader', sequence: undefined });
    expect(await loading).toMatchObject({ source: 'p2p', peerId: 'uploader' });
    expect(fetches).not.toHaveBeenCalled();
    fetches.mockRestore();
  });

  it('fetches over HTTP once the tracker answers that nobody else is in the swarm', async () => {
    const { loader, swarm } = loaderWith({ peers: [], openedAt: performance.now() });
    swarm.settled = false;
    const fetches = vi.spyOn(globalThis, 'fetch');
    const loading = loader.load(vod());
    await new Promise(setImmediate);
    expect(fetches).not.toHaveBeenCalled();
    fetches.mockRestore();
    swarm.settled = true;
    swarm.emit('joined', undefined);
    await waitFor(() => held.length === 1);
    release();
    expect(await loading).toMatchObject({ source: 'http', httpReason: 'no-peers' });
  });

  it('does not wait for neighbours while connections are deferred', async () => {
    const { loader, swarm } = loaderWith({ peers: [] });
    swarm.settled = false;
    const loading = loader.load(vod());
    await waitFor(() => held.length === 1);
    release();
    expect(await loading).toMatchObject({ source: 'http', httpReason: 'no-peers' });
  });

  it('resumes a transfer that fell behind from another holder, before falling back on HTTP', async () => {
    let secondHolds = false;
    // Sends 1000 bytes, then nothing until the load gives up on it.
    const slow = {
      ...fakePeer(),
      peerId: 'slow',
      download: ((_sequence, _offset, handlers, signal) => {
        handlers.onHeader(SEGMENT.byteLength);
        handlers.onChunk(SEGMENT.subarray(0, 1000));
        secondHolds = true;
        return new Promise<void>((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }) as FakeDownload,
    };
    const offsets: number[] = [];
    const other = { ...resumingPeer(() => secondHolds, offsets), peerId: 'other' };
    const { loader, reports } = loaderWith({
      peers: [slow, other],
      first: { status: 'ok', root: 'ef' },
    });
    const fetches = vi.spyOn(globalThis, 'fetch');
    // 2.5 s to the deadline, 1.5 s margin: the slow peer's pace misses it at the first check.
    const result = await loader.load({ ...request(), deadlineMs: 2500 });
    expect(fetches).not.toHaveBeenCalled();
    fetches.mockRestore();
    expect(offsets).toEqual([1000]);
    expect(result).toMatchObject({ source: 'p2p', p2pBytes: SEGMENT.byteLength, httpBytes: 0 });
    expect(result.bytes).toEqual(SEGMENT);
    expect(reports.filter((r) => r.type === 'peer-failure').map((r) => r.peerId)).toEqual(['slow']);
  });

  describe('a holder turning up during an HTTP transfer', () => {
    /**
     * Loads `request` with a neighbour that gets the segment once the origin has sent its first
     * `sentFirst` bytes, and sends it from any offset; the origin then sends the rest, unless
     * `holdRest` (the load stops that transfer itself). Returns the offsets the peer was asked
     * for with the load's result.
     */
    async function loadWithLateHolder(
      request: Parameters<SegmentLoader['load']>[0],
      { first, holdRest = false }: { first?: Verification; holdRest?: boolean } = {},
    ) {
      const offsets: number[] = [];
      let holds = false;
      const peer = resumingPeer(() => holds, offsets);
      const { loader, swarm, counted } = loaderWith({ peers: [peer], first });
      const loading = loader.load(request);
      await waitFor(() => held.length === 1 && counted().http === sentFirst);
      holds = true;
      swarm.emit('peer-state', { peerId: 'uploader', sequence: 7 });
      if (!holdRest) release();
      return { offsets, result: await loading };
    }

    it('takes the rest from it where HTTP left off, and stops the HTTP transfer', async () => {
      const { offsets, result } = await loadWithLateHolder(vod(), {
        first: { status: 'ok', root: 'ef' },
        holdRest: true,
      });
      expect(offsets).toEqual([SEGMENT.byteLength / 2]);
      expect(result.bytes).toEqual(SEGMENT);
      expect(result).toMatchObject({
        // Half from each: a tie counts as HTTP.
        source: 'http',
        httpBytes: SEGMENT.byteLength / 2,
        p2pBytes: SEGMENT.byteLength / 2,
        contributors: { uploader: SEGMENT.byteLength / 2 },
        httpReason: 'no-peers',
        // Bytes from two sources: no receipt names one uploader for the whole segment.
        peerId: undefined,
        verified: true,
      });
      // hls.js' bandwidth sample counts the HTTP half with the time it took.
      expect(result.http).toMatchObject({ loaded: SEGMENT.byteLength / 2 });
      expect(result.http?.endedAt).toBeGreaterThanOrEqual(result.http?.firstByteAt ?? Infinity);
      await waitFor(() => closedEarly === 1);
    });

    it('keeps HTTP when little of the segment is left to come', async () => {
      sentFirst = SEGMENT.byteLength * 0.8;
      const { offsets, result } = await loadWithLateHolder(vod());
      expect(offsets).toEqual([]);
      expect(result).toMatchObject({ source: 'http', httpBytes: SEGMENT.byteLength, p2pBytes: 0 });
      expect(closedEarly).toBe(0);
    });

    it("judges what is left by the segment's byte range when the origin sends the whole file", async () => {
      // The segment is the file's first half, which has all come; this origin ignores Range
      // and goes on sending the rest of the file.
      const range = { start: 0, end: SEGMENT.byteLength / 2 };
      const { offsets, result } = await loadWithLateHolder({ ...vod(), range });
      expect(offsets).toEqual([]);
      expect(result.bytes).toEqual(SEGMENT.subarray(0, SEGMENT.byteLength / 2));
      expect(closedEarly).toBe(0);
    });

    it('keeps HTTP when a failed peer would leave no time to fetch the rest', async () => {
      // 1 s to the deadline, half the 1.5 s margin kept: HTTP would fetch the rest (half of its
      // 200 ms) after a failed peer's 200 ms too late.
      const { offsets, result } = await loadWithLateHolder({ ...vod(), deadlineMs: 1000 });
      expect(offsets).toEqual([]);
      expect(result).toMatchObject({ source: 'http', p2pBytes: 0 });
      expect(result.bytes).toEqual(SEGMENT);
    });

    it('resumes over HTTP from where the peer left off when that peer fails', async () => {
      let holds = false;
      const peer = {
        ...fakePeer({ has: () => holds }),
        download: ((_sequence, offset, handlers) => {
          handlers.onHeader(SEGMENT.byteLength);
          handlers.onChunk(SEGMENT.subarray(offset, offset + 1000));
          return Promise.reject(new SdkError(SdkErrorCode.PeerProtocol, 'gone'));
        }) as FakeDownload,
      };
      const { loader, swarm, counted } = loaderWith({
        peers: [peer],
        first: { status: 'ok', root: 'ef' },
      });
      const ranges: (string | null)[] = [];
      const fetches = vi.spyOn(globalThis, 'fetch');
      const loading = loader.load(vod());
      await waitFor(() => held.length === 1 && counted().http === SEGMENT.byteLength / 2);
      holds = true;
      swarm.emit('peer-state', { peerId: 'uploader', sequence: 7 });
      // The resume asks for the bytes after the peer's 1000; this origin sends the whole
      // segment (ignoring Range, as HTTP allows), half now and half on release.
      await waitFor(() => held.length === 2);
      for (const call of fetches.mock.calls) {
        ranges.push(new Headers(call[1]?.headers).get('range'));
      }
      fetches.mockRestore();
      release();
      const result = await loading;
      expect(ranges).toEqual([null, `bytes=${SEGMENT.byteLength / 2 + 1000}-`]);
      expect(result.bytes).toEqual(SEGMENT);
      expect(result).toMatchObject({ httpBytes: SEGMENT.byteLength - 1000, p2pBytes: 1000 });
      expect(peer.score.failures).toBe(1);
    });
  });
});
