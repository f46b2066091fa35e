import { encodeReceipt, hexToBytes, type ReceiptBody } from '@streamrp2p/protocol';
import type { SdkError } from '../errors.js';
import { coordinatorError, CoordinatorErrorCode } from './errors.js';

/** A segment verified after a peer served it: what the receiver attests. */
export interface ReceiptInput {
  uploaderPeerId: string;
  rendition: string;
  sequence: number;
  /** Merkle root, hex. */
  root: string;
  byteLength: number;
}

/** The session side of receipts: who signs, and the secret that authorizes the upload. */
export interface ReceiptSigner {
  readonly sessionId: string;
  readonly secret: string;
  /** ECDSA P-256 / SHA-256, P1363, base64url. */
  sign(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
}

/**
 * The receipt as posted: the fields plus the signer's signature over `encodeReceipt` (with the
 * signer's session id as receiver). Throws for a field `encodeReceipt` refuses or a bad root.
 *
 * @example
 * const body = await signReceipt(session, 'demo', input, Date.now());
 */
export async function signReceipt(
  signer: ReceiptSigner,
  streamId: string,
  input: ReceiptInput,
  timestamp: number,
): Promise<ReceiptBody> {
  const root = input.root.toLowerCase();
  const fields = {
    uploaderPeerId: input.uploaderPeerId,
    streamId,
    rendition: input.rendition,
    sequence: input.sequence,
    byteLength: input.byteLength,
    timestamp,
  };
  const bytes = encodeReceipt({
    ...fields,
    receiverSessionId: signer.sessionId,
    root: hexToBytes(root),
  });
  return { ...fields, root, signature: await signer.sign(bytes) };
}

/** The error reported for a receipt `signReceipt` refused. */
export function invalidReceipt(error: unknown): SdkError {
  const reason = error instanceof Error ? error.message : String(error);
  return coordinatorError(CoordinatorErrorCode.Rejected, `invalid receipt: ${reason}`, {
    retryable: false,
  });
}
