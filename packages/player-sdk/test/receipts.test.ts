/**
 * The receipt queue against the real coordinator (PGlite, port 0), behind the fault proxy for
 * outages: batches signed once, split, retried, deduplicated and rejected by the coordinator's
 * own rules, and what it credited read from its database. Each test indexes the segments its
 * receipts name (its own rendition) and has an uploader session of its own in the stream.
 * Meeting tickets are switched off: coordinator-client.test.ts and engine-credit.test.ts cover
 * them; here the queue is under test.
 */
import {
  encodeReceiptBatch,
  hexToBytes,
  RECEIPT_SIGNATURE_ALGORITHM,
  type PostReceiptsRequest,
} from '@streamrp2p/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../src/errors.js';
import { ApiClient } from '../src/coordinator/api-client.js';
import { fromBase64Url } from '../src/coordinator/base64url.js';
import type { ReceiptBatchOutcome, ReceiptRejection } from '../src/coordinator/events.js';
import type { ReceiptSigner } from '../src/coordinator/receipt-signing.js';
import { ReceiptQueue, type ReceiptQueueOptions } from '../src/coordinator/receipts.js';
import { Session } from '../src/coordinator/session.js';
import { until } from './engine-events.js';
import { startRealCoordinator, type RealCoordinator } from './real-coordinator.js';

const ROOT = 'ab'.repeat(32);
/** Segments indexed for each test. */
const INDEXED = 120;
const byteLength = (sequence: number) => 1000 + sequence;

let real: RealCoordinator;
let api: ApiClient;
let session: Session;
let uploader: Session;
let rendition: string;
let run = 0;
let stamp: number;
let queue: ReceiptQueue;
let batches: ReceiptBatchOutcome[];
let rejections: ReceiptRejection[];
let dropped: number[];
let errors: SdkError[];
const queues: ReceiptQueue[] = [];

beforeAll(async () => {
  real = await startRealCoordinator({
    config: {
      requireMeetingTickets: false,
      // Uploader and receiver both connect from 127.0.0.1.
      receiptsSameIpAllowed: true,
      // Each test has its own uploader session, all from one address.
      uploadersPerAddress: 1000,
    },
  });
});
afterAll(() => real?.close());
beforeEach(async () => {
  run += 1;
  rendition = `720p-${run}`;
  real.proxy.reset();
  // Generous: a test that wants a timeout makes its own client.
  api = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 10_000 });
  // One after the other: the receiver's is the first session the proxy sees.
  session = await newSession();
  uploader = await newSession();
  await real.indexRoots(
    rendition,
    Array.from({ length: INDEXED }, (_, sequence) => ({
      sequence,
      root: ROOT,
      byteLength: byteLength(sequence),
    })),
  );
  stamp = Date.now();
  batches = [];
  rejections = [];
  dropped = [];
  errors = [];
  queue = makeQueue();
});
afterEach(() => {
  for (const q of queues.splice(0)) q.stop();
  api.close();
});

function newSession(client = api): Promise<Session> {
  return Session.create(client, {
    streamId: real.streamId,
    viewerId: undefined,
    storage: undefined,
    now: () => Date.now(),
    tokenRefreshMarginMs: 0,
  });
}

function makeQueue(
  overrides: Partial<ReceiptQueueOptions> = {},
  signer: ReceiptSigner = session,
  client = api,
): ReceiptQueue {
  const created = new ReceiptQueue(client, signer, {
    streamId: real.streamId,
    now: () => stamp,
    receiptFlushMs: 60_000,
    receiptBatchSize: 50,
    maxReceiptsPerRequest: 500,
    maxQueuedReceipts: 10_000,
    retryBaseMs: 20,
    retryMaxMs: 100,
    emit: (event, payload) => {
      if (event === 'receipts') batches.push(payload as ReceiptBatchOutcome);
      if (event === 'receipt-rejected') rejections.push(payload as ReceiptRejection);
      if (event === 'receipts-dropped') dropped.push((payload as { count: number }).count);
    },
    onError: (error) => errors.push(error),
    ...overrides,
  });
  queues.push(created);
  return created;
}

/** Queues receipts for `count` consecutive indexed segments from `from`. */
function addMany(target: ReceiptQueue, count: number, from = 0, uploaderPeerId = uploader.peerId) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      target.add({
        uploaderPeerId,
        rendition,
        sequence: from + i,
        root: ROOT,
        byteLength: byteLength(from + i),
      }),
    ),
  );
}

/** The receipt count of each batch that reached the coordinator (or of those answered, or not). */
const delivered = (filter: { answered?: boolean } = {}) =>
  real.proxy.requests
    .filter((r) => r.path === '/api/receipts' && (r.mode === 'pass' || r.mode === 'lose'))
    .filter((r) => filter.answered === undefined || r.answered === filter.answered)
    .map((r) => (r.body as PostReceiptsRequest).receipts.length);

/** The sequences the coordinator credited to this test's receiver, ascending. */
async function credited(): Promise<number[]> {
  const rows = await real.coordinator.db
    .selectFrom('receipts')
    .select('sequence')
    .where('receiver_session_id', '=', session.sessionId)
    .orderBy('sequence')
    .execute();
  return rows.map((r) => Number(r.sequence));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** A signer counting what it signs. */
function counting(signed: Uint8Array[]): ReceiptSigner {
  return {
    sessionId: session.sessionId,
    secret: session.secret,
    sign: (bytes) => (signed.push(bytes), session.sign(bytes)),
  };
}

describe('ReceiptQueue', () => {
  it('posts receipts with one signature over encodeReceiptBatch, which the coordinator credits', async () => {
    await addMany(queue, 3);
    expect(queue.pending).toBe(3);
    const result = await queue.flush();
    expect(result).toEqual({ sent: 3, credited: 3, duplicates: 0, rejected: 0 });
    expect(await credited()).toEqual([0, 1, 2]);
    const request = real.proxy.requests.find((r) => r.path === '/api/receipts')!;
    expect(request.auth).toBe(session.secret);
    const body = request.body as PostReceiptsRequest;
    expect(Object.keys(body).sort()).toEqual(['receipts', 'sessionId', 'signature']);
    for (const receipt of body.receipts) expect(receipt).not.toHaveProperty('signature');
    // Verified here too, with the public key the session registered, over the exact bytes.
    const registered = real.proxy.requests.find((r) => r.path === '/api/sessions')!;
    const { publicKey } = registered.body as { publicKey: string };
    const key = await crypto.subtle.importKey(
      'raw',
      fromBase64Url(publicKey),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const verify = (receipts: PostReceiptsRequest['receipts']) =>
      crypto.subtle.verify(
        { name: 'ECDSA', hash: RECEIPT_SIGNATURE_ALGORITHM.hash },
        key,
        fromBase64Url(body.signature),
        encodeReceiptBatch({
          receiverSessionId: session.sessionId,
          receipts: receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
        }),
      );
    expect(await verify(body.receipts)).toBe(true);
    expect(await verify([...body.receipts].reverse())).toBe(false);
    expect(body).toMatchObject({
      sessionId: session.sessionId,
      receipts: [
        {
          uploaderPeerId: uploader.peerId,
          streamId: real.streamId,
          rendition,
          sequence: 0,
          root: ROOT,
          byteLength: 1000,
          timestamp: stamp,
        },
        {},
        {},
      ],
    });
    expect(queue.pending).toBe(0);
    expect(batches).toEqual([{ sent: 3, credited: 3, duplicates: 0, rejected: 0 }]);
  });

  it('uploads on its own at batchSize queued, or after flushMs', async () => {
    await addMany(queue, 49);
    await addMany(queue, 1, 49);
    await until(() => queue.stats.credited === 50, 'the batch of 50 to be credited');
    // Had it sent at fewer than 50, the first request would carry fewer.
    expect(delivered()).toEqual([50]);

    const timed = makeQueue({ receiptFlushMs: 50 });
    await addMany(timed, 3, 100);
    await until(() => timed.stats.credited === 3, 'the timed flush to be credited');
    expect(delivered()).toEqual([50, 3]);
    expect(await credited()).toEqual([...range(0, 50), 100, 101, 102]);
  });

  it('splits a flush into requests of at most maxReceiptsPerRequest, one signature each', async () => {
    const signed: Uint8Array[] = [];
    const small = makeQueue(
      { maxReceiptsPerRequest: 40, receiptBatchSize: 1000 },
      counting(signed),
    );
    await addMany(small, 100);
    expect(signed).toEqual([]); // nothing is signed before it is sent
    const result = await small.flush();
    expect(delivered()).toEqual([40, 40, 20]);
    expect(result.credited).toBe(100);
    expect(signed).toHaveLength(3);
    expect(await credited()).toEqual(range(0, 100));
  });

  it('signs every retry afresh, over the receipts that request carries', async () => {
    const signed: Uint8Array[] = [];
    const retrying = makeQueue({}, counting(signed));
    real.proxy.mode = '503';
    await addMany(retrying, 3);
    await retrying.flush();
    await addMany(retrying, 2, 3); // the retry carries these too
    real.proxy.mode = 'pass';
    await until(() => retrying.pending === 0, 'the retry to be answered');
    expect(retrying.stats).toMatchObject({ credited: 5, requests: 2 });
    expect(signed).toHaveLength(2);
    // The receipt count of encodeReceiptBatch, after its header and the receiver's session id.
    const count = (bytes: Uint8Array) =>
      new DataView(bytes.buffer).getUint32(24 + 1 + 1 + session.sessionId.length);
    expect(signed.map(count)).toEqual([3, 5]);
    expect(await credited()).toEqual(range(0, 5));
  });

  it('makes a batch refused for its signature final, each receipt rejected BAD_SIGNATURE', async () => {
    const other = await newSession();
    const forger = makeQueue(
      {},
      { sessionId: session.sessionId, secret: session.secret, sign: (b) => other.sign(b) },
    );
    await addMany(forger, 3);
    const result = await forger.flush();
    expect(result.error?.details).toMatchObject({
      status: 400,
      serverCode: 'BAD_SIGNATURE',
      retryable: false,
    });
    expect(rejections.map((r) => [r.code, r.receipt.sequence])).toEqual([
      ['BAD_SIGNATURE', 0],
      ['BAD_SIGNATURE', 1],
      ['BAD_SIGNATURE', 2],
    ]);
    expect(errors).toHaveLength(1);
    expect(forger.pending).toBe(0);
    expect(forger.stats).toMatchObject({ rejected: 3, credited: 0 });
    expect(await credited()).toEqual([]);
    await forger.flush();
    expect(delivered()).toEqual([3]); // never sent again
  });

  it('keeps every receipt while the coordinator is down and delivers each once when it is back', async () => {
    // Short requests: a hanging coordinator is given up on after 300 ms.
    const impatient = new ApiClient({ baseUrl: real.proxy.url, timeoutMs: 300 });
    const patient = makeQueue({}, session, impatient);
    real.proxy.mode = '503';
    await addMany(patient, 30);
    const first = await patient.flush();
    expect(first.error?.details).toMatchObject({ status: 503, retryable: true });
    await until(() => patient.stats.retries >= 2, 'two retries on 503');
    real.proxy.mode = 'hang';
    await until(() => patient.stats.retries >= 4, 'two retries on a hang');
    real.proxy.mode = 'close';
    await until(() => patient.stats.retries >= 6, 'two retries on a cut connection');
    expect(await credited()).toEqual([]);
    expect(patient.pending).toBe(30);
    expect(errors).toHaveLength(1); // one report per outage
    await addMany(patient, 5, 30); // more arrive meanwhile, and wait for the retry
    real.proxy.mode = 'pass';
    await until(() => patient.pending === 0, 'the queue to drain');
    expect(await credited()).toEqual(range(0, 35));
    // Nothing sent again once the client had the answer (a retry already on its way may carry
    // the first 30 alone). On a loaded machine the coordinator may take longer than the 300 ms
    // to answer: the client gives up, and the retry carries receipts already credited, which the
    // coordinator counts as duplicates. Those are the only repeats allowed.
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    expect(sum(delivered({ answered: true }))).toBe(35);
    const unanswered = sum(delivered({ answered: false }));
    const { credited: firstTime, duplicates, rejected } = patient.stats;
    expect({ total: firstTime + duplicates, rejected }).toEqual({ total: 35, rejected: 0 });
    expect(duplicates).toBeLessThanOrEqual(unanswered);
    impatient.close();
  });

  it('backs off exponentially between retries', async () => {
    const slow = makeQueue({ retryBaseMs: 100, retryMaxMs: 400 });
    real.proxy.mode = '503';
    await addMany(slow, 1);
    void slow.flush();
    await until(() => real.proxy.count('POST', /^\/api\/receipts$/) >= 4, 'three retries');
    slow.stop();
    const at = real.proxy.requests.filter((r) => r.path === '/api/receipts').map((r) => r.at);
    const gaps = at.slice(1, 4).map((t, i) => t - at[i]!);
    // Delays of 50-100, 100-200, 200-400 ms (jitter in the upper half): at least the lower
    // bounds, whatever the machine's load (a few ms for timer rounding).
    const lower = [50, 100, 200];
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(lower[i]! - 5);
  });

  it('drops receipts answered duplicate after a lost answer, never crediting twice', async () => {
    real.proxy.mode = 'lose'; // the coordinator credits them, the answer never arrives
    await addMany(queue, 10);
    const first = await queue.flush();
    expect(first.error?.details).toMatchObject({ retryable: true });
    expect(await credited()).toEqual(range(0, 10));
    real.proxy.mode = 'pass';
    await until(() => queue.pending === 0, 'the retry to be answered');
    expect(queue.stats).toMatchObject({ credited: 0, duplicates: 10 });
    await queue.flush();
    expect(delivered()).toEqual([10, 10]);
    expect(await credited()).toEqual(range(0, 10));
  });

  it('reports rejected receipts and never sends them again', async () => {
    await addMany(queue, 2, 0, 'a-peer-nobody-knows');
    await addMany(queue, 3, 10);
    await queue.add({
      uploaderPeerId: uploader.peerId,
      rendition,
      sequence: 20,
      root: 'cd'.repeat(32),
      byteLength: byteLength(20),
    });
    const result = await queue.flush();
    expect(result).toMatchObject({ sent: 6, credited: 3, rejected: 3 });
    expect(rejections.map((r) => [r.code, r.receipt.sequence])).toEqual([
      ['UNKNOWN_UPLOADER', 0],
      ['UNKNOWN_UPLOADER', 1],
      ['ROOT_MISMATCH', 20],
    ]);
    expect(queue.pending).toBe(0);
    await queue.flush();
    expect(delivered()).toEqual([6]);
    expect(await credited()).toEqual([10, 11, 12]);
  });

  it('treats a 4xx for the whole request as final', async () => {
    const wrong = makeQueue(
      {},
      { sessionId: session.sessionId, secret: 'nope', sign: (b) => session.sign(b) },
    );
    await addMany(wrong, 4);
    const result = await wrong.flush();
    expect(result.error?.details).toMatchObject({ status: 404, retryable: false });
    expect(rejections).toHaveLength(4);
    expect(rejections[0]!.code).toBe('SESSION_NOT_FOUND');
    expect(wrong.pending).toBe(0);
    await wrong.flush();
    expect(delivered()).toEqual([4]);
  });

  it('drops the oldest receipts beyond maxQueued, with an event', async () => {
    const bounded = makeQueue({
      maxQueuedReceipts: 10,
      receiptBatchSize: 10,
      retryBaseMs: 5000,
      retryMaxMs: 5000,
    });
    real.proxy.mode = '503';
    for (let sequence = 0; sequence < 15; sequence++) await addMany(bounded, 1, sequence);
    await bounded.flush();
    expect(bounded.pending).toBe(10);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(5);
    expect(bounded.stats.dropped).toBe(5);
    real.proxy.mode = 'pass';
    await bounded.flush();
    expect(await credited()).toEqual(range(5, 15));
  });

  it('refuses an invalid receipt with an error instead of throwing', async () => {
    const ok = await queue.add({
      uploaderPeerId: uploader.peerId,
      rendition,
      sequence: 1,
      root: 'zz',
      byteLength: 1,
    });
    expect(ok).toBe(false);
    expect(errors[0]!.message).toMatch(/invalid receipt/);
    expect(queue.pending).toBe(0);
  });
});
