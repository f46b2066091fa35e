/**
 * Verifies and credits a batch of receipts: its one signature (before any lookup), stream and
 * time checks, one lookup statement (roots, uploaders, the receiver's window), then one
 * statement that applies the physical bounds (decision 23) and inserts the receipts (a UNIQUE
 * key per receiving viewer and segment makes concurrent duplicates credit once) and the
 * uploaders' pending credits, which the credit roll-up later adds to their counters. With the
 * session's authentication, a batch is three statements and no transaction, whatever its size.
 */
import { KeyObject } from 'node:crypto';
import type { PostReceiptsResponse, ReceiptOutcome } from '@streamrp2p/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { importReceiptKey } from '../sessions/public-key.js';
import { isLive, type SessionRow } from '../sessions/session-auth.js';
import { nowDate } from '../util/clock.js';
import {
  checkAgainstIndex,
  checkTime,
  segmentKey,
  type CheckContext,
  type SessionFacts,
} from './receipt-checks.js';
import { reject } from './receipt-codes.js';
import type { ParsedReceipt, ParsedReceiptsRequest } from './parse-receipt.js';
import { verifyBatchSignature } from './verify-signature.js';
import { creditReceipts, type Credit } from './credit-receipts.js';
import { lookupBatch } from './receipt-lookups.js';
import { publishedSince, receiverLimit, uploaderLimit } from './receipt-bounds.js';
import { BatchTickets } from './meeting-tickets.js';

function facts(ctx: AppContext, s: SessionRow): SessionFacts {
  return {
    id: s.id,
    streamId: s.stream_id,
    viewerId: s.viewer_id,
    ip: s.ip,
    createdAt: s.created_at.getTime(),
    live: isLive(ctx, s),
  };
}

/**
 * Per-receipt outcomes for a parsed batch of an authenticated receiver; 400 `BAD_SIGNATURE` for
 * the whole request when the batch signature does not verify (no receipt of it is looked at).
 */
export async function processReceipts(
  ctx: AppContext,
  receiver: SessionRow,
  request: Pick<ParsedReceiptsRequest, 'receipts' | 'signature'> &
    Partial<Pick<ParsedReceiptsRequest, 'tickets'>>,
): Promise<PostReceiptsResponse> {
  const now = ctx.clock();
  const { receipts } = request;
  const results: ReceiptOutcome[] = new Array(receipts.length);
  const rejectAt = (index: number, r: { code: string; message: string }) => {
    results[index] = { index, status: 'rejected', code: r.code, message: r.message };
  };
  const phase = (name: string) => ctx.metrics.receiptPhase.startTimer({ phase: name });

  // 1. One signature for the whole batch, then stream and time: no database needed.
  const endVerify = phase('verify');
  const key = KeyObject.from(await importReceiptKey(receiver.public_key));
  if (!(await verifyBatchSignature(key, receiver.id, receipts, request.signature))) {
    endVerify();
    ctx.metrics.receipts.inc({ outcome: 'rejected', code: 'BAD_SIGNATURE' }, receipts.length);
    throw new ApiError(
      'BAD_SIGNATURE',
      'the batch signature does not verify with the session key over ' +
        'encodeReceiptBatch({ receiverSessionId: sessionId, receipts }): nothing was credited',
    );
  }
  const check: CheckContext = {
    now,
    receiver: facts(ctx, receiver),
    roots: new Map(),
    uploaders: new Map(),
    maxAgeMs: ctx.config.receiptMaxAgeSeconds * 1000,
    maxSkewMs: ctx.config.receiptMaxSkewSeconds * 1000,
    sameIpAllowed: ctx.config.receiptsSameIpAllowed,
    uploadersBefore: new Map(),
    publishedSince: publishedSince(ctx.config, receiver.created_at.getTime()),
    uploadersPerAddress: ctx.config.uploadersPerAddress,
  };
  // Meeting tickets (decision 22): only pairs the tracker saw signal each other earn credit.
  const tickets = ctx.config.requireMeetingTickets
    ? new BatchTickets(ctx.trackerSecret, request.tickets ?? [], receiver.peer_id, {
        now,
        maxAgeMs: ctx.config.meetingTicketMaxAgeSeconds * 1000,
        maxSkewMs: check.maxSkewMs,
      })
    : undefined;
  const plausible: Array<{ index: number; receipt: ParsedReceipt }> = [];
  for (const [index, receipt] of receipts.entries()) {
    if (receipt.streamId !== receiver.stream_id) {
      rejectAt(index, reject('NOT_IN_STREAM', 'the receiver session is not in this stream'));
      continue;
    }
    const badTime = checkTime(receipt, check);
    if (badTime !== undefined) {
      rejectAt(index, badTime);
      continue;
    }
    const noTicket = tickets?.check(receipt);
    if (noTicket !== undefined) {
      rejectAt(index, noTicket);
      continue;
    }
    plausible.push({ index, receipt });
  }
  endVerify();

  // 2. One lookup statement for the whole batch (roots, uploaders, the receiver's window).
  const endLookup = phase('lookup');
  const { roots, uploaders, uploadersBefore, publishedBytes } = await lookupBatch(
    ctx,
    {
      sessionId: receiver.id,
      streamId: receiver.stream_id,
      since: check.publishedSince,
      slack: ctx.config.receiverBoundSlack,
    },
    plausible.map((s) => s.receipt),
  );
  endLookup();
  const context: CheckContext = { ...check, roots, uploaders, uploadersBefore };

  // 3. Index and uploader rules; the first receipt for a segment in the batch is the candidate.
  const candidates = new Map<string, Credit & { index: number }>();
  const sameBatch: Array<{ index: number; key: string }> = [];
  for (const { index, receipt } of plausible) {
    const outcome = checkAgainstIndex(receipt, context);
    if ('code' in outcome) {
      rejectAt(index, outcome);
      continue;
    }
    const segment = segmentKey(receipt.rendition, receipt.sequence);
    if (candidates.has(segment)) {
      sameBatch.push({ index, key: segment });
      continue;
    }
    candidates.set(segment, {
      index,
      rendition: receipt.rendition,
      sequence: receipt.sequence,
      byteLength: receipt.byteLength,
      signedAt: receipt.timestamp,
      uploaderSessionId: outcome.uploader.id,
      uploaderViewerId: outcome.uploader.viewerId,
      uploaderLimit: uploaderLimit(ctx.config, outcome.uploader.createdAt, now),
      deliveryMs: receipt.deliveryMs ?? null,
    });
  }

  // 4. One statement: within the physical bounds, insert what is new, credit exactly that.
  const endWrite = phase('write');
  const outcomes = await creditReceipts(
    ctx,
    receiver,
    [...candidates.values()],
    { receiverLimit: receiverLimit(ctx.config, publishedBytes), publishedBytes },
    nowDate(() => now),
  );
  endWrite();
  for (const [segment, candidate] of candidates) {
    const outcome = outcomes.get(segment) ?? 'duplicate';
    if (outcome === 'RECEIVER_BOUND' || outcome === 'UPLOADER_BOUND') {
      rejectAt(candidate.index, reject(outcome, BOUND_MESSAGES[outcome]));
    } else results[candidate.index] = { index: candidate.index, status: outcome };
  }
  for (const { index } of sameBatch) results[index] = { index, status: 'duplicate' };
  return summarize(ctx, results);
}

const BOUND_MESSAGES = {
  RECEIVER_BOUND:
    'the receiver session would be credited more than the stream published while it was live',
  UPLOADER_BOUND: 'the uploader session would be credited more than a plausible upload rate',
} as const;

function summarize(ctx: AppContext, results: ReceiptOutcome[]): PostReceiptsResponse {
  const response: PostReceiptsResponse = { credited: 0, duplicates: 0, rejected: 0, results };
  for (const r of results) {
    if (r.status === 'credited') response.credited++;
    else if (r.status === 'duplicate') response.duplicates++;
    else response.rejected++;
    ctx.metrics.receipts.inc({ outcome: r.status, code: r.status === 'rejected' ? r.code : '' });
  }
  return response;
}
