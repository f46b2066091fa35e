import {
  encodeReceipt,
  encodeReceiptBatch,
  hexToBytes,
  type PostReceiptsRequest,
  type ReceiptBody,
} from '@streamrp2p/protocol';
import type { SdkError } from '../errors.js';
import { coordinatorError, CoordinatorErrorCode } from './errors.js';

/** The coordinator's bound of `deliveryMs` (10 minutes). */
const MAX_DELIVERY_MS = 600_000;

/** A segment verified after a peer served it: what the receiver attests. */
export interface ReceiptInput {
  uploaderPeerId: string;
  rendition: string;
  sequence: number;
  /** Merkle root, hex. */
  root: string;
  byteLength: number;
  /** Request to last byte of the transfer, ms (sent unsigned, as the receiver's word). */
  deliveryMs?: number;
}

/** The session side of receipts: who signs, and the secret that authorizes the upload. */
export interface ReceiptSigner {
  readonly sessionId: string;
  readonly secret: string;
  /** ECDSA P-256 / SHA-256, P1363, base64url. */
  sign(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
}

const toBatched = (body: ReceiptBody) => ({ ...body, root: hexToBytes(body.root) });

/**
 * The receipt as posted (no signature: the batch carries one). Throws for a field
 * `encodeReceipt` refuses or a bad root, so an invalid receipt is refused when it is added, not
 * when the batch holding it is signed.
 *
 * @example
 * const body = receiptBody(session.sessionId, 'demo', input, Date.now());
 */
export function receiptBody(
  receiverSessionId: string,
  streamId: string,
  input: ReceiptInput,
  timestamp: number,
): ReceiptBody {
  const body: ReceiptBody = {
    uploaderPeerId: input.uploaderPeerId,
    streamId,
    rendition: input.rendition,
    sequence: input.sequence,
    root: input.root.toLowerCase(),
    byteLength: input.byteLength,
    timestamp,
  };
  if (input.deliveryMs !== undefined && Number.isFinite(input.deliveryMs)) {
    body.deliveryMs = Math.min(MAX_DELIVERY_MS, Math.max(0, Math.round(input.deliveryMs)));
  }
  encodeReceipt({ ...toBatched(body), receiverSessionId });
  return body;
}

/**
 * The `POST /api/receipts` body: the receipts, in this order, and the signer's one signature
 * over `encodeReceiptBatch` with the signer's session id as receiver.
 *
 * @example
 * const request = await signReceiptBatch(session, queued.slice(0, 500));
 */
export async function signReceiptBatch(
  signer: ReceiptSigner,
  receipts: readonly ReceiptBody[],
): Promise<PostReceiptsRequest> {
  const bytes = encodeReceiptBatch({
    receiverSessionId: signer.sessionId,
    receipts: receipts.map(toBatched),
  });
  return {
    sessionId: signer.sessionId,
    receipts: [...receipts],
    signature: await signer.sign(bytes),
  };
}

/** The error reported for a receipt `receiptBody` refused. */
export function invalidReceipt(error: unknown): SdkError {
  const reason = error instanceof Error ? error.message : String(error);
  return coordinatorError(CoordinatorErrorCode.Rejected, `invalid receipt: ${reason}`, {
    retryable: false,
  });
}
