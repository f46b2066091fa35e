import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mergeEngineConfig } from './config.js';
import type { Verification } from '../coordinator/coordinator-link.js';
import { estimatedPeerMs, loadSegment, type LoadContext } from './load-segment.js';
import type { PeerConnection } from './peer-connection.js';
import type { Swarm } from './swarm.js';

const SEGMENT = Uint8Array.from({ length: 64_000 }, (_, i) => i % 253);

/**
 * An origin that sends the first half of the segment, then holds the rest until `release()`:
 * long enough for a root to arrive during the transfer, or not.
 */
let server: Server;
let url: string;
let held: ServerResponse[] = [];
let closedEarly = 0;

function release(): void {
  for (const res of held.splice(0)) res.end(SEGMENT.subarray(SEGMENT.byteLength / 2));
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': SEGMENT.byteLength });
    res.write(SEGMENT.subarray(0, SEGMENT.byteLength / 2));
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
});

/** A connected peer that holds the segment and sends it at once. */
function holder(): PeerConnection {
  return {
    peerId: 'uploader',
    sharing: true,
    activeDownloads: 0,
    score: { speed: 0, failures: 0, successes: 0 },
    has: () => true,
    isFetching: () => false,
    download: (
      _sequence: number,
      _offset: number,
      handlers: { onHeader(length: number): void; onChunk(bytes: Uint8Array): void },
    ) => {
      handlers.onHeader(SEGMENT.byteLength);
      handlers.onChunk(SEGMENT);
      return Promise.resolve();
    },
  } as unknown as PeerConnection;
}

/**
 * A load context around one holder. `verify` answers the first check (the one bounded by the
 * deadline) "unknown"; the later check is `lateRoot`.
 */
function contextWith(lateRoot: Promise<Verification>) {
  const peer = holder();
  const swarm = {
    connected: () => [peer],
    on: () => () => undefined,
  } as unknown as Swarm;
  const verifyCalls: number[] = [];
  const reported = { unverified: [] as number[], integrity: [] as string[] };
  const counted = { http: 0, p2p: 0 };
  const context: LoadContext = {
    config: mergeEngineConfig({ streamId: 's', trackerUrl: 'http://127.0.0.1:1' }),
    selfId: () => 'me',
    swarm,
    cached: () => undefined,
    estimatedHttpMs: () => 200,
    estimatedSegmentBytes: () => undefined,
    recordHttp: () => undefined,
    countBytes: (from, bytes) => (counted[from] += bytes),
    setFetching: () => undefined,
    complete: () => undefined,
    verify: (_sequence, _bytes, waitMs) => {
      verifyCalls.push(waitMs);
      return verifyCalls.length === 1 ? Promise.resolve({ status: 'unknown' }) : lateRoot;
    },
    consumeOnly: false,
    acceptUnverified: false,
    reportPeerFailure: () => undefined,
    reportIntegrityFailure: (peerId) => reported.integrity.push(peerId),
    reportUnverified: (sequence) => reported.unverified.push(sequence),
  };
  return { context, verifyCalls, reported, counted };
}

/** A request whose deadline leaves no time to wait for a root (a small buffer). */
const request = () => ({ rendition: '720p', sequence: 7, url, deadlineMs: 1000, live: true });

const waitFor = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true));

describe('loadSegment: peer bytes whose root is not indexed in time', () => {
  it("uses the peer's bytes when their root arrives during the HTTP refetch, and cancels it", async () => {
    let arrive!: (verification: Verification) => void;
    const { context, verifyCalls, reported } = contextWith(
      new Promise((resolve) => (arrive = resolve)),
    );
    const loading = loadSegment(context, request());
    await waitFor(() => held.length === 1);
    arrive({ status: 'ok', root: 'ab'.repeat(32) });
    const result = await loading;

    expect(verifyCalls).toEqual([0, context.config.rootWaitMs]);
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
    expect(reported).toEqual({ unverified: [], integrity: [] });
  });

  it('plays the HTTP bytes when the root does not come before the transfer ends', async () => {
    let arrive!: (verification: Verification) => void;
    const { context, reported } = contextWith(new Promise((resolve) => (arrive = resolve)));
    const loading = loadSegment(context, request());
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
    await waitFor(() => reported.unverified.length === 1);
    expect(reported.integrity).toEqual([]);
  });

  it('reports a peer whose bytes turn out not to match, and keeps the HTTP transfer', async () => {
    const { context, reported, counted } = contextWith(Promise.resolve({ status: 'mismatch' }));
    const loading = loadSegment(context, request());
    await waitFor(() => reported.integrity.length === 1);
    expect(reported.integrity).toEqual(['uploader']);
    release();
    const result = await loading;
    expect(result).toMatchObject({ source: 'http', peerId: undefined, verified: false });
    expect(result.bytes).toEqual(SEGMENT);
    expect(counted).toEqual({ http: SEGMENT.byteLength, p2p: SEGMENT.byteLength });
    expect(closedEarly).toBe(0);
  });

  it('refetches at once, without a second wait, when the whole root wait was spent', async () => {
    const { context, verifyCalls } = contextWith(Promise.resolve({ status: 'ok', root: 'cd' }));
    const loading = loadSegment(context, { ...request(), deadlineMs: 60_000 });
    await waitFor(() => held.length === 1);
    release();
    const result = await loading;
    expect(verifyCalls).toEqual([context.config.rootWaitMs]);
    expect(result).toMatchObject({ source: 'http', httpReason: 'verification-failed' });
  });
});

describe('estimatedPeerMs', () => {
  const peer = (speed: number) => ({ score: { speed, failures: 0, successes: 1 } });
  const context = (bytes: number | undefined) => ({
    estimatedHttpMs: () => 2500,
    estimatedSegmentBytes: () => bytes,
  });

  it('is the expected size at the fastest fetcher’s measured speed (bytes per ms)', () => {
    expect(estimatedPeerMs(context(1_000_000), [peer(200), peer(500)])).toBe(2000);
  });

  it('is the HTTP estimate before the size or any fetcher’s speed is known', () => {
    expect(estimatedPeerMs(context(undefined), [peer(500)])).toBe(2500);
    expect(estimatedPeerMs(context(1_000_000), [peer(0)])).toBe(2500);
    expect(estimatedPeerMs(context(1_000_000), [])).toBe(2500);
  });
});
