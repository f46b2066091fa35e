import type { ReceiptBody, ReceiptOutcome } from '@streamrp2p/protocol';
import { SdkErrorCode, type SdkError } from '../errors.js';
import type { ApiClient } from './api-client.js';
import type { ReceiptConfig } from './config.js';
import { RetryBackoff } from './backoff.js';
import { isRetryable, toSdkError } from './errors.js';
import type { FlushResult, Hooks, ReceiptBatchOutcome } from './events.js';
import {
  invalidReceipt,
  signReceipt,
  type ReceiptInput,
  type ReceiptSigner,
} from './receipt-signing.js';
import { parseReceiptResults } from './responses.js';
import { Timers } from './timers.js';

/** The receipt fields of the client config; events `receipts`, `receipt-rejected`, `receipts-dropped`. */
export type ReceiptQueueOptions = ReceiptConfig & Hooks;

/**
 * Signed receipts on their way to the coordinator: batched, retried with backoff while it is
 * unreachable. A receipt answered `credited`, `duplicate` or `rejected` leaves and is never sent
 * again; one whose request failed is sent again (the coordinator dedupes: never paid twice).
 *
 * @example
 * const queue = new ReceiptQueue(api, session, options);
 * void queue.add({ uploaderPeerId, rendition: '720p', sequence: 42, root, byteLength });
 * await queue.flush();
 */
export class ReceiptQueue {
  readonly stats = { credited: 0, duplicates: 0, rejected: 0, dropped: 0, retries: 0, requests: 0 };
  private queue: ReceiptBody[] = [];
  /** Receipts (at the head of the queue) that a request in flight carries. */
  private inFlight = 0;
  private signing = 0;
  private lastSigned: Promise<unknown> = Promise.resolve();
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timers = new Timers();
  private readonly backoff: RetryBackoff;
  private cancelTick: (() => void) | undefined;
  private autoFlush: Promise<unknown> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly signer: ReceiptSigner,
    private readonly options: ReceiptQueueOptions,
  ) {
    this.backoff = new RetryBackoff(this.timers, options.retryBaseMs, options.retryMaxMs);
  }

  /** Receipts signed or being signed that the coordinator has not answered for yet. */
  get pending(): number {
    return this.queue.length + this.signing;
  }

  /** Signs and queues a receipt. Resolves false (and reports an error) for an invalid one. */
  add(input: ReceiptInput): Promise<boolean> {
    const timestamp = this.options.now();
    // One signature at a time, so the queue keeps the order of add() (the oldest drop first).
    const task = this.lastSigned
      .then(() => signReceipt(this.signer, this.options.streamId, input, timestamp))
      .then(
        (body) => (this.enqueue(body), true),
        (error: unknown) => (this.options.onError(invalidReceipt(error)), false),
      )
      .finally(() => (this.signing -= 1));
    this.signing += 1;
    this.lastSigned = task;
    return task;
  }

  /**
   * Uploads everything queued now (after signatures in progress), in requests of at most
   * `maxReceiptsPerRequest`, without waiting for a pending retry delay. Never rejects: a failed request
   * ends the flush with `error` set, and its receipts wait for the next attempt.
   */
  async flush(): Promise<FlushResult> {
    await this.lastSigned;
    const run = this.chain.then(() => this.drain());
    this.chain = run;
    return run;
  }

  /** Stops the timers: no upload starts on its own any more (`flush()` still works). */
  stop(): void {
    this.timers.close();
    this.cancelTick = undefined;
    this.backoff.cancel();
  }

  private enqueue(body: ReceiptBody): void {
    this.queue.push(body);
    const excess = this.queue.length - this.options.maxQueuedReceipts;
    if (excess > 0) {
      // The oldest go. If a request in flight carries them, its answer still counts.
      this.queue.splice(0, excess);
      this.stats.dropped += excess;
      this.options.emit('receipts-dropped', { count: excess });
    }
    if (this.backoff.waiting) return; // Backing off: the retry takes everything.
    if (this.inFlight === 0 && this.queue.length >= this.options.receiptBatchSize) {
      this.autoFlush ??= this.flush().finally(() => (this.autoFlush = undefined));
    } else {
      this.scheduleTick();
    }
  }

  private scheduleTick(): void {
    if (this.cancelTick || this.backoff.waiting || this.timers.isClosed) return;
    this.cancelTick = this.timers.after(this.options.receiptFlushMs, () => {
      this.cancelTick = undefined;
      void this.flush();
    });
  }

  private async drain(): Promise<FlushResult> {
    const total: FlushResult = { sent: 0, credited: 0, duplicates: 0, rejected: 0 };
    this.cancelTick?.();
    this.cancelTick = undefined;
    this.backoff.cancel();
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.options.maxReceiptsPerRequest);
      const outcome = await this.send(batch);
      if ('error' in outcome) {
        total.error = outcome.error;
        break;
      }
      for (const key of ['sent', 'credited', 'duplicates', 'rejected'] as const) {
        total[key] += outcome[key];
      }
      // Receipts the answer did not mention go with the next tick, not in a tight loop.
      if (outcome.sent < batch.length) break;
    }
    if (this.queue.length > 0) this.scheduleTick();
    return total;
  }

  /** One request; removes the receipts it got an answer for. */
  private async send(batch: ReceiptBody[]): Promise<ReceiptBatchOutcome | { error: SdkError }> {
    this.stats.requests += 1;
    if (this.backoff.failures > 0) this.stats.retries += 1;
    this.inFlight = batch.length;
    try {
      const body = await this.api.request({
        method: 'POST',
        path: '/api/receipts',
        bearer: this.signer.secret,
        body: { sessionId: this.signer.sessionId, receipts: batch },
      });
      return this.apply(batch, parseReceiptResults(body, batch.length).results);
    } catch (thrown) {
      const error = toSdkError(thrown);
      if (error.code === SdkErrorCode.Aborted) return { error }; // Closing: keep them.
      if (isRetryable(error)) return { error: this.retryLater(error) };
      // A 4xx for the whole request (an ended session, a malformed batch): sending it again
      // would fail the same way, so these receipts are final, reported like rejected ones.
      this.options.onError(error);
      const { serverCode } = error.details;
      const code = typeof serverCode === 'string' ? serverCode : error.code;
      const status = 'rejected' as const;
      this.apply(
        batch,
        batch.map((_, index) => ({ index, status, code, message: error.message })),
      );
      return { error };
    } finally {
      this.inFlight = 0;
    }
  }

  private retryLater(error: SdkError): SdkError {
    if (this.backoff.failures === 0) this.options.onError(error);
    const retryAfterMs = Number(error.details.retryAfterMs ?? 0);
    this.backoff.failed(() => void this.flush(), retryAfterMs);
    return error;
  }

  /** Removes the answered receipts, reports the rejected ones and the batch. */
  private apply(batch: ReceiptBody[], results: ReceiptOutcome[]): ReceiptBatchOutcome {
    this.backoff.succeeded();
    const outcome = { sent: results.length, credited: 0, duplicates: 0, rejected: 0 };
    for (const result of results) {
      if (result.status === 'credited') outcome.credited += 1;
      else if (result.status === 'duplicate') outcome.duplicates += 1;
      else {
        outcome.rejected += 1;
        const { code, message } = result;
        this.options.emit('receipt-rejected', { receipt: batch[result.index]!, code, message });
      }
    }
    const done = new Set(results.map((result) => batch[result.index]!));
    this.queue = this.queue.filter((receipt) => !done.has(receipt));
    for (const key of ['credited', 'duplicates', 'rejected'] as const) {
      this.stats[key] += outcome[key];
    }
    this.options.emit('receipts', outcome);
    return outcome;
  }
}
