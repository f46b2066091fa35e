/**
 * The SDK's WebRtcTransport in Chromium, against simple-peer's browser build (what older SDKs
 * and other clients run): both connect whichever offers, bytes arrive whole both ways, and the
 * sender's backpressure (the `bufferedamountlow` path, which wrtc in Node lacks) keeps the data
 * channel's buffer under the watermark `PeerConnection` uses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, logPageProblems } from '../support/browser.js';

const require = createRequire(import.meta.url);
const SDK = fileURLToPath(new URL('../../packages/player-sdk/', import.meta.url));

/** `createWebRtcTransport` for a page, as `window.Ours` (built from source, unminified). */
async function transportScript(): Promise<string> {
  const result = await build({
    root: SDK,
    configFile: false,
    logLevel: 'silent',
    resolve: { conditions: ['@streamrp2p/source', 'module', 'browser'] },
    build: {
      write: false,
      minify: false,
      lib: { entry: 'src/p2p/webrtc-transport.ts', formats: ['iife'], name: 'Ours' },
    },
  });
  const [output] = [result].flat() as Rollup.RollupOutput[];
  const chunk = output!.output.find((file): file is Rollup.OutputChunk => file.type === 'chunk');
  return chunk!.code;
}

interface Exchange {
  /** Bytes our transport sent and simple-peer received, and their checksum. */
  sent: { bytes: number; checksum: number };
  /** Bytes simple-peer sent and our transport received, and their checksum. */
  received: { bytes: number; checksum: number };
  /** Times the sender waited in `drained()`, and the largest send buffer it saw. */
  waits: number;
  maxBuffered: number;
}

const MESSAGE = 65_520; // PEER_CHUNK_SIZE: the largest payload PeerConnection sends
const HIGH = 1024 * 1024; // PeerConnection's watermarks
const LOW = 256 * 1024;

/** Connects ours and a simple-peer in `page`, then sends `total` bytes each way. */
function exchange(page: Page, weOffer: boolean, total: number): Promise<Exchange> {
  return page.evaluate(
    async ({ weOffer, total, MESSAGE, HIGH, LOW }) => {
      type Signal = Record<string, unknown>;
      interface Transport {
        signal(data: Signal): void;
        send(bytes: Uint8Array): void;
        bufferedAmount: number;
        drained(threshold: number): Promise<void>;
        close(): void;
      }
      interface Peer {
        on(event: string, listener: (value: never) => void): void;
        signal(data: Signal): void;
        send(bytes: Uint8Array): void;
        destroy(): void;
      }
      const w = window as unknown as {
        Ours: { createWebRtcTransport(options: object, handlers: object): Transport };
        SimplePeer: new (options: object) => Peer;
      };
      const checksum = (sum: number, bytes: Uint8Array) => {
        for (const byte of bytes) sum = (sum * 31 + byte) % 1_000_003;
        return sum;
      };
      const message = Uint8Array.from({ length: MESSAGE }, (_, i) => (i * 7) & 0xff);
      const ours = { bytes: 0, checksum: 0 };
      const theirs = { bytes: 0, checksum: 0 };
      let gotAll!: () => void;
      const allReceived = new Promise<void>((resolve) => (gotAll = resolve));
      const tally = (into: typeof ours, bytes: Uint8Array) => {
        into.bytes += bytes.byteLength;
        into.checksum = checksum(into.checksum, bytes);
        if (ours.bytes >= total && theirs.bytes >= total) gotAll();
      };

      const peer = new w.SimplePeer({
        initiator: !weOffer,
        trickle: true,
        config: { iceServers: [] },
      });
      let opened!: () => void;
      const open = new Promise<void>((resolve) => (opened = resolve));
      const transport = w.Ours.createWebRtcTransport(
        { initiator: weOffer, iceServers: [], wrtc: undefined },
        {
          onSignal: (data: Signal) => peer.signal(data),
          onConnect: () => opened(),
          onData: (bytes: Uint8Array) => tally(ours, bytes),
          onClose: () => undefined,
        },
      );
      peer.on('signal', (data: Signal) => transport.signal(data));
      peer.on('data', (bytes: Uint8Array) => tally(theirs, bytes));
      await Promise.all([open, new Promise((resolve) => peer.on('connect', resolve))]);

      for (let sent = 0; sent < total; sent += MESSAGE) peer.send(message);
      let waits = 0;
      let maxBuffered = 0;
      for (let sent = 0; sent < total; sent += MESSAGE) {
        if (transport.bufferedAmount >= HIGH) {
          waits += 1;
          await transport.drained(LOW);
          if (transport.bufferedAmount > LOW) throw new Error('drained() returned above LOW');
        }
        transport.send(message);
        maxBuffered = Math.max(maxBuffered, transport.bufferedAmount);
      }
      await allReceived;
      transport.close();
      peer.destroy();
      return { sent: theirs, received: ours, waits, maxBuffered };
    },
    { weOffer, total, MESSAGE, HIGH, LOW },
  );
}

describe.skipIf(!browserAvailable())('WebRtcTransport in Chromium against simple-peer', () => {
  let browser: Browser;
  let page: Page;
  const total = 64 * MESSAGE; // 4 MiB each way
  let expected = 0;

  beforeAll(async () => {
    const [ours, simplePeer] = await Promise.all([
      transportScript(),
      readFileSync(require.resolve('simple-peer/simplepeer.min.js'), 'utf8'),
    ]);
    browser = await launchBrowser();
    page = await browser.newPage();
    logPageProblems(page, 'transport');
    await page.addScriptTag({ content: simplePeer });
    await page.addScriptTag({ content: ours });
    const message = Uint8Array.from({ length: MESSAGE }, (_, i) => (i * 7) & 0xff);
    for (let i = 0; i < 64; i++) {
      for (const byte of message) expected = (expected * 31 + byte) % 1_000_003;
    }
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ['we offer', true],
    ['simple-peer offers', false],
  ])('%s: 4 MiB each way, whole, with the send buffer under 1 MiB', async (_, weOffer) => {
    const result = await exchange(page, weOffer, total);
    expect(result.sent).toEqual({ bytes: total, checksum: expected });
    expect(result.received).toEqual({ bytes: total, checksum: expected });
    expect(result.waits).toBeGreaterThan(0);
    expect(result.maxBuffered).toBeLessThan(HIGH + MESSAGE);
  });
});
