import type { ReceiptBody, ReceiptOutcome } from '@streamrp2p/protocol';
import { SdkErrorCode, type SdkError } from '../errors.js';
import type { ApiClient } from './api-client.js';
import type { ReceiptConfig } from './config.js';
import { RetryBackoff } from './backoff.js';
import { isRetryable, toSdkError } from './errors.js';
import type { FlushResult, Hooks, ReceiptBatchOutcome } from './events.js';
import {
  invalidReceipt,
  receiptBody,
  signReceiptBatch,
  type ReceiptInput,
  type ReceiptSigner,
} from './receipt-signing.js';
import { parseReceiptResults } from './responses.js';
import { Timers } from './timers.js';
import type { PendingUsage, UsageReporter } from './usage.js';

/** The receipt fields of the client config; events `receipts`, `receipt-rejected`, `receipts-dropped`. */
export type ReceiptQueueOptions = ReceiptConfig &
  Hooks & {
    /** Usage reports to send with the batches, one when due (decision 33). */
    usageReporter?: UsageReporter | undefined;
  };

/**
 * Receipts on their way to the coordinator: batched, each request signed once as a batch when it
 * is sent, retried with backoff while the coordinator is unreachable. A receipt answered
 * `credited`, `duplicate` or `rejected` leaves and is never sent again; one whose request failed
 * is sent again (the coordinator dedupes: never paid twice). A request refused whole (a 4xx such
 * as `BAD_SIGNATURE` or `SESSION_EXPIRED`) makes its receipts final, reported as rejected.
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
  private chain: Promise<unknown> = Promise.resolve();
  private readonly timers = new Timers();
  private readonly backoff: RetryBackoff;
  private cancelTick: (() => void) | undefined;
  private autoFlush: Promise<unknown> | undefined;
  /** After `stop()`: the last flush sends the usage not reported yet, due or not. */
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly signer: ReceiptSigner,
    private readonly options: ReceiptQueueOptions,
  ) {
    this.backoff = new RetryBackoff(this.timers, options.retryBaseMs, options.retryMaxMs);
    if (options.usageReporter) this.scheduleUsage(options.usageReportMs ?? 30_000);
  }

  /** Receipts queued that the coordinator has not answered for yet. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues a receipt, timestamped now (the batch holding it is signed when it is sent). Resolves
   * false (and reports an error) for an invalid one, which is never queued.
   */
  add(input: ReceiptInput): Promise<boolean> {
    let body: ReceiptBody;
    try {
      body = receiptBody(this.signer.sessionId, this.options.streamId, input, this.options.now());
    } catch (error) {
      this.options.onError(invalidReceipt(error));
      return Promise.resolve(false);
    }
    this.enqueue(body);
    return Promise.resolve(true);
  }

  /**
   * Uploads everything queued now, in requests of at most `maxReceiptsPerRequest`, without
   * waiting for a pending retry delay. Never rejects: a failed request ends the flush with
   * `error` set, and its receipts wait for the next attempt.
   */
  flush(): Promise<FlushResult> {
    const run = this.chain.then(() => this.drain());
    this.chain = run;
    return run;
  }

  /** Stops the timers: no upload starts on its own any more (`flush()` still works). */
  stop(): void {
    this.stopped = true;
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

  /** Every `everyMs`, a flush when usage is due: with no receipt queued, a batch of none. */
  private scheduleUsage(everyMs: number): void {
    this.timers.after(everyMs, () => {
      if (this.options.usageReporter?.due && !this.backoff.waiting) void this.flush();
      this.scheduleUsage(everyMs);
    });
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
    if (total.error === undefined && this.queue.length === 0 && this.usageDue()) {
      const outcome = await this.send([]);
      if ('error' in outcome) total.error = outcome.error;
    }
    if (this.queue.length > 0) this.scheduleTick();
    return total;
  }

  private usageDue(): boolean {
    return (
      this.options.usageReporter !== undefined && (this.stopped || this.options.usageReporter.due)
    );
  }

  /** One request; removes the receipts it got an answer for. */
  private async send(batch: ReceiptBody[]): Promise<ReceiptBatchOutcome | { error: SdkError }> {
    this.inFlight = batch.length;
    let usage: PendingUsage | undefined;
    try {
      // Signed afresh for every request, retries included, never reused: a retry may carry
      // another slice of the queue (receipts added meanwhile, the oldest dropped), and one
      // signature per request costs far less than the request itself.
      const request = await signReceiptBatch(this.signer, batch);
      const tickets = this.options.meetingTickets?.(batch) ?? [];
      if (tickets.length > 0) request.tickets = tickets;
      usage = this.options.usageReporter?.take(this.stopped);
      if (usage) request.usage = usage.report;
      if (batch.length === 0 && !usage) return { sent: 0, credited: 0, duplicates: 0, rejected: 0 };
      this.stats.requests += 1;
      if (this.backoff.failures > 0) this.stats.retries += 1;
      const body = await this.api.request({
        method: 'POST',
        path: '/api/receipts',
        bearer: this.signer.secret,
        body: request,
      });
      usage?.commit();
      if (batch.length === 0) {
        this.backoff.succeeded();
        return { sent: 0, credited: 0, duplicates: 0, rejected: 0 };
      }
      return this.apply(batch, parseReceiptResults(body, batch.length).results);
    } catch (thrown) {
      const error = toSdkError(thrown);
      if (error.code === SdkErrorCode.Aborted) return { error }; // Closing: keep them.
      if (isRetryable(error)) return { error: this.retryLater(error) };
      // A 4xx for the whole request (an ended session, a batch signature or receipt the
      // coordinator refuses): sending it again would fail the same way, so these receipts are
      // final, reported like rejected ones; its usage report is dropped, not sent again.
      this.options.onError(error);
      usage?.commit();
      if (batch.length === 0) return { error };
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
