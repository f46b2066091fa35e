import { hexToBytes, type ReceiptBody, type UsageReport } from '@streamrp2p/protocol';
import { MAX_RECEIPTS_PER_BATCH, PostReceiptsRequest } from '@streamrp2p/protocol/api-schemas';
import type { ValueError } from '@sinclair/typebox/errors';
import { ApiError } from '../errors.js';
import * as validate from '../http/validate.js';
import { validationMessage } from '../http/validation-messages.js';
import { checkUsage } from '../metrics/usage.js';
import { fromBase64url } from '../sessions/public-key.js';

export { MAX_RECEIPTS_PER_BATCH };

/** A receipt whose fields have the right types and sizes, its root also as bytes. */
export interface ParsedReceipt extends ReceiptBody {
  rootBytes: Uint8Array;
}

/** A `POST /api/receipts` body whose every field, and every receipt, is well-formed. */
export interface ParsedReceiptsRequest {
  sessionId: string;
  receipts: ParsedReceipt[];
  /** The batch signature, IEEE P1363 (64 bytes). */
  signature: Uint8Array<ArrayBuffer>;
  /** The meeting tickets the batch relies on (opaque strings, verified per receipt later). */
  tickets: string[];
  /** What the viewer loaded since its previous report (decision 33), within physical bounds. */
  usage: UsageReport | undefined;
}

const BAD_SIGNATURE = 'body.signature must be 64 bytes (IEEE P1363 r||s), base64url';

/**
 * The batch-level messages: a malformed receipt is `INVALID_RECEIPT` naming its index (the batch
 * signature covers every receipt's canonical bytes, so one malformed receipt leaves the whole
 * batch unverifiable), and a missing `signature` says the batch is signed once.
 */
function explain(errors: readonly ValueError[], input: unknown): ApiError | undefined {
  const first = errors[0]!;
  const receipt = /^\/receipts\/(\d+)(\/.*)?$/.exec(first.path);
  if (receipt !== null) {
    const index = Number(receipt[1]);
    const raw = (input as { receipts: unknown[] }).receipts[index];
    const message =
      typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'signature')
        ? 'receipts are not signed one by one: sign the batch and send body.signature'
        : validationMessage(
            'receipt',
            errors
              .filter((e) => e.path.startsWith(`/receipts/${index}`))
              .map((e) => ({ ...e, path: e.path.slice(`/receipts/${index}`.length) })),
          );
    return new ApiError('INVALID_RECEIPT', `receipts[${index}]: ${message}`);
  }
  if (first.path.startsWith('/usage')) {
    const usage = errors.filter((e) => e.path.startsWith('/usage'));
    return new ApiError('INVALID_USAGE', validationMessage('body', usage));
  }
  if (first.path !== '/signature') return undefined;
  return new ApiError(
    'VALIDATION_ERROR',
    first.value === undefined
      ? 'body.signature is missing: the receiver signs the batch once (encodeReceiptBatch), ' +
          'receipts carry no signature of their own'
      : BAD_SIGNATURE,
  );
}

const receiptsBody = validate.body(PostReceiptsRequest, explain);

/**
 * Parses a `PostReceiptsRequest` against its schema. Nothing here yields a per-receipt outcome:
 * a malformed receipt refuses the whole batch (400 `INVALID_RECEIPT`, naming its index); more
 * than {@link MAX_RECEIPTS_PER_BATCH} receipts is 400 `BATCH_TOO_LARGE`, checked first so an
 * oversized batch is not validated receipt by receipt.
 */
export function parseReceiptsRequest(input: unknown): ParsedReceiptsRequest {
  const receipts = (input as { receipts?: unknown } | null)?.receipts;
  if (Array.isArray(receipts) && receipts.length > MAX_RECEIPTS_PER_BATCH) {
    throw new ApiError(
      'BATCH_TOO_LARGE',
      `at most ${MAX_RECEIPTS_PER_BATCH} receipts per request, got ${receipts.length}`,
    );
  }
  const body = receiptsBody.parse(input);
  const signature = fromBase64url(body.signature);
  if (signature?.length !== 64) throw new ApiError('VALIDATION_ERROR', BAD_SIGNATURE);
  if (body.usage !== undefined) checkUsage(body.usage);
  return {
    sessionId: body.sessionId,
    receipts: body.receipts.map((r) => ({ ...r, rootBytes: hexToBytes(r.root) })),
    signature,
    tickets: body.tickets ?? [],
    usage: body.usage,
  };
}
