import {
  encodeReceiptBatch,
  hexToBytes,
  RECEIPT_SIGNATURE_ALGORITHM,
  type PostReceiptsRequest,
} from '@streamrp2p/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SdkError } from '../errors.js';
import { ApiClient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import type { ReceiptBatchOutcome, ReceiptRejection } from './events.js';
import { startFakeCoordinator, until, type FakeCoordinator } from './fake-coordinator.fixture.js';
import type { ReceiptSigner } from './receipt-signing.js';
import { ReceiptQueue, type ReceiptQueueOptions } from './receipts.js';
import { Session } from './session.js';

const ROOT = 'ab'.repeat(32);
let server: FakeCoordinator;
let api: ApiClient;
let session: Session;
let queue: ReceiptQueue;
let batches: ReceiptBatchOutcome[];
let rejections: ReceiptRejection[];
let dropped: number[];
let errors: SdkError[];

function makeQueue(overrides: Partial<ReceiptQueueOptions> = {}, signer: ReceiptSigner = session) {
  return new ReceiptQueue(api, signer, {
    streamId: 'demo',
    now: () => 1_700_000_000_123,
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
}

function addMany(target: ReceiptQueue, count: number, from = 0, uploader = 'peer-up') {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      target.add({
        uploaderPeerId: uploader,
        rendition: '720p',
        sequence: from + i,
        root: ROOT,
        byteLength: 1000 + i,
      }),
    ),
  );
}

const sentReceipts = () => server.receiptBatches.reduce((a, b) => a + b, 0);
const allCreditedOnce = () => [...server.credited.values()].every((n) => n === 1);

beforeEach(async () => {
  server = await startFakeCoordinator();
  api = new ApiClient({ baseUrl: server.url, timeoutMs: 300 });
  session = await Session.create(api, {
    streamId: 'demo',
    viewerId: undefined,
    storage: undefined,
    now: () => Date.now(),
    tokenRefreshMarginMs: 0,
  });
  batches = [];
  rejections = [];
  dropped = [];
  errors = [];
  queue = makeQueue();
});
afterEach(async () => {
  queue.stop();
  api.close();
  await server.close();
});

describe('ReceiptQueue', () => {
  it('posts receipts with one signature over encodeReceiptBatch', async () => {
    await addMany(queue, 3);
    expect(queue.pending).toBe(3);
    const result = await queue.flush();
    expect(result).toEqual({ sent: 3, credited: 3, duplicates: 0, rejected: 0 });
    expect(server.credited.size).toBe(3); // the fake refuses a bad batch signature (400)
    const request = server.requests.find((r) => r.path === '/api/receipts')!;
    expect(request.auth).toBe(session.secret);
    const body = request.body as PostReceiptsRequest;
    expect(Object.keys(body).sort()).toEqual(['receipts', 'sessionId', 'signature']);
    for (const receipt of body.receipts) expect(receipt).not.toHaveProperty('signature');
    // Verified here too, with the public key the session registered, over the exact bytes.
    const { publicKey } = server.sessions.get(session.sessionId)!;
    const bytes = encodeReceiptBatch({
      receiverSessionId: session.sessionId,
      receipts: body.receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
    });
    const verify = (data: Uint8Array<ArrayBuffer>) =>
      crypto.subtle.verify(
        { name: 'ECDSA', hash: RECEIPT_SIGNATURE_ALGORITHM.hash },
        publicKey,
        Buffer.from(body.signature, 'base64url'),
        data,
      );
    expect(await verify(bytes)).toBe(true);
    const reordered = encodeReceiptBatch({
      receiverSessionId: session.sessionId,
      receipts: [...body.receipts].reverse().map((r) => ({ ...r, root: hexToBytes(r.root) })),
    });
    expect(await verify(reordered)).toBe(false);
    expect(request.body).toMatchObject({
      sessionId: session.sessionId,
      receipts: [
        {
          uploaderPeerId: 'peer-up',
          streamId: 'demo',
          sequence: 0,
          root: ROOT,
          timestamp: 1_700_000_000_123,
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
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.receiptBatches).toEqual([]);
    await addMany(queue, 1, 49);
    await until(() => server.receiptBatches.length === 1);
    expect(server.receiptBatches).toEqual([50]);

    const timed = makeQueue({ receiptFlushMs: 50 });
    await addMany(timed, 3, 100);
    await until(() => server.receiptBatches.length === 2);
    expect(server.receiptBatches[1]).toBe(3);
    timed.stop();
  });

  it('splits a flush into requests of at most maxReceiptsPerRequest, one signature each', async () => {
    const signed: number[] = [];
    const counting: ReceiptSigner = {
      sessionId: session.sessionId,
      secret: session.secret,
      sign: (bytes) => (signed.push(bytes.length), session.sign(bytes)),
    };
    const small = makeQueue({ maxReceiptsPerRequest: 40, receiptBatchSize: 1000 }, counting);
    await addMany(small, 100);
    expect(signed).toEqual([]); // nothing is signed before it is sent
    const result = await small.flush();
    expect(server.receiptBatches).toEqual([40, 40, 20]);
    expect(result.credited).toBe(100);
    expect(signed).toHaveLength(3);
    small.stop();
  });

  it('signs every retry afresh, over the receipts that request carries', async () => {
    const signed: Uint8Array[] = [];
    const counting: ReceiptSigner = {
      sessionId: session.sessionId,
      secret: session.secret,
      sign: (bytes) => (signed.push(bytes), session.sign(bytes)),
    };
    const retrying = makeQueue({}, counting);
    server.failMode = '503';
    await addMany(retrying, 3);
    await retrying.flush();
    await addMany(retrying, 2, 3); // the retry carries these too
    server.failMode = 'ok';
    await until(() => retrying.pending === 0);
    expect(retrying.stats).toMatchObject({ credited: 5, requests: 2 });
    expect(signed).toHaveLength(2);
    const count = (bytes: Uint8Array) =>
      new DataView(bytes.buffer).getUint32(24 + 1 + 1 + session.sessionId.length);
    expect(signed.map(count)).toEqual([3, 5]);
    retrying.stop();
  });

  it('makes a batch refused for its signature final, each receipt rejected BAD_SIGNATURE', async () => {
    const other = await Session.create(api, {
      streamId: 'demo',
      viewerId: undefined,
      storage: undefined,
      now: () => Date.now(),
      tokenRefreshMarginMs: 0,
    });
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
    expect(server.credited.size).toBe(0);
    await forger.flush();
    expect(server.receiptBatches).toEqual([3]); // never sent again
    forger.stop();
  });

  it('keeps every receipt while the coordinator is down and delivers each once when it is back', async () => {
    server.failMode = '503';
    await addMany(queue, 30);
    const first = await queue.flush();
    expect(first.error?.details).toMatchObject({ status: 503, retryable: true });
    await until(() => queue.stats.retries >= 2);
    server.failMode = 'hang';
    await until(() => queue.stats.retries >= 4);
    server.failMode = 'close';
    await until(() => queue.stats.retries >= 6);
    expect(server.credited.size).toBe(0);
    expect(queue.pending).toBe(30);
    expect(errors).toHaveLength(1); // one report per outage
    await addMany(queue, 5, 30); // more arrive meanwhile, and wait for the retry
    server.failMode = 'ok';
    await until(() => queue.pending === 0);
    expect(server.credited.size).toBe(35);
    expect(allCreditedOnce()).toBe(true);
    expect(sentReceipts()).toBe(35); // nothing sent again once credited
    expect(queue.stats).toMatchObject({ credited: 35, duplicates: 0, rejected: 0 });
  });

  it('backs off exponentially between retries', async () => {
    const slow = makeQueue({ retryBaseMs: 100, retryMaxMs: 400 });
    server.failMode = '503';
    await addMany(slow, 1);
    void slow.flush();
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Delays of 50-100, 100-200, 200-400 ms: 3 or 4 requests in 700 ms, not dozens.
    expect(slow.stats.requests).toBeGreaterThanOrEqual(3);
    expect(slow.stats.requests).toBeLessThanOrEqual(5);
    slow.stop();
  });

  it('drops receipts answered duplicate after a lost response, never crediting twice', async () => {
    server.receiptAnswerDelayMs = 600; // processed, but the answer outlasts the 300 ms timeout
    await addMany(queue, 10);
    const first = await queue.flush();
    expect(first.error?.details).toMatchObject({ timeout: true });
    expect(server.credited.size).toBe(10);
    server.receiptAnswerDelayMs = 0;
    await until(() => queue.pending === 0);
    expect(queue.stats).toMatchObject({ credited: 0, duplicates: 10 });
    expect(allCreditedOnce()).toBe(true);
    await queue.flush();
    expect(server.receiptBatches).toEqual([10, 10]);
  });

  it('reports rejected receipts and never sends them again', async () => {
    server.rejectReceipt = (r) =>
      r.uploaderPeerId === 'stranger' ? { code: 'NOT_IN_SWARM', message: 'who?' } : undefined;
    await addMany(queue, 2, 0, 'stranger');
    await addMany(queue, 3, 10);
    const result = await queue.flush();
    expect(result).toMatchObject({ sent: 5, credited: 3, rejected: 2 });
    expect(rejections.map((r) => [r.code, r.receipt.sequence])).toEqual([
      ['NOT_IN_SWARM', 0],
      ['NOT_IN_SWARM', 1],
    ]);
    expect(queue.pending).toBe(0);
    await queue.flush();
    expect(server.receiptBatches).toEqual([5]);
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
    wrong.stop();
  });

  it('drops the oldest receipts beyond maxQueued, with an event', async () => {
    const bounded = makeQueue({
      maxQueuedReceipts: 10,
      receiptBatchSize: 10,
      retryBaseMs: 5000,
      retryMaxMs: 5000,
    });
    server.failMode = '503';
    for (let sequence = 0; sequence < 15; sequence++) await addMany(bounded, 1, sequence);
    await bounded.flush();
    expect(bounded.pending).toBe(10);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(5);
    expect(bounded.stats.dropped).toBe(5);
    server.failMode = 'ok';
    await bounded.flush();
    const sequences = [...server.credited.keys()]
      .map((k) => Number(k.split('|')[2]))
      .sort((a, b) => a - b);
    expect(sequences).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    bounded.stop();
  });

  it('refuses an invalid receipt with an error instead of throwing', async () => {
    const ok = await queue.add({
      uploaderPeerId: 'p',
      rendition: '720p',
      sequence: 1,
      root: 'zz',
      byteLength: 1,
    });
    expect(ok).toBe(false);
    expect(errors[0]!.message).toMatch(/invalid receipt/);
    expect(queue.pending).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(1, 1000, 30_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 30_000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(50, 1000, 30_000, () => 0)).toBe(15_000);
    expect(backoffDelay(50, 1000, 30_000, () => 1)).toBe(30_000);
  });
});
