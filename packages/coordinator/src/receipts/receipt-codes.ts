/**
 * Why a receipt was rejected: the `code` of a `rejected` outcome in `PostReceiptsResponse`.
 * Rejections are final (the SDK does not retry them). A malformed receipt or a batch signature
 * that does not verify fails the whole request instead (`INVALID_RECEIPT`, `BAD_SIGNATURE` in
 * `API_ERROR_STATUS`): the signature covers the batch, not one receipt.
 */
export const ReceiptRejection = {
  /** The segment is not (yet) indexed. */
  UNKNOWN_SEGMENT: 'UNKNOWN_SEGMENT',
  /** The root differs from the indexed one. */
  ROOT_MISMATCH: 'ROOT_MISMATCH',
  /** The byte length differs from the indexed segment's. */
  LENGTH_MISMATCH: 'LENGTH_MISMATCH',
  /** No session has the uploader peer id. */
  UNKNOWN_UPLOADER: 'UNKNOWN_UPLOADER',
  /** The receipt's stream is not the receiver's or the uploader's stream. */
  NOT_IN_STREAM: 'NOT_IN_STREAM',
  /** The uploader session ended or expired. */
  SESSION_NOT_LIVE: 'SESSION_NOT_LIVE',
  /** Uploader and receiver are the same session or the same viewer. */
  SELF_RECEIPT: 'SELF_RECEIPT',
  /** Uploader and receiver connect from the same IP (see `RECEIPTS_SAME_IP_ALLOWED`). */
  SAME_IP: 'SAME_IP',
  /** The timestamp is in the future, too old, or before a session started. */
  IMPLAUSIBLE_TIME: 'IMPLAUSIBLE_TIME',
  /** The segment was indexed before the receiver session began, beyond the rewind allowance. */
  BEFORE_SESSION: 'BEFORE_SESSION',
  /** Crediting it would take the receiver session past what it could have played. */
  RECEIVER_BOUND: 'RECEIVER_BOUND',
  /** Crediting it would take the uploader session past a plausible upload rate. */
  UPLOADER_BOUND: 'UPLOADER_BOUND',
  /** The uploader is not among the first uploaders of its address in the stream. */
  SUPPORTER_LIMIT: 'SUPPORTER_LIMIT',
  /** The batch carries no valid meeting ticket naming the receiver and uploader in the swarm. */
  NO_TICKET: 'NO_TICKET',
  /** The batch's meeting ticket for this pair does not verify (forged or altered). */
  BAD_TICKET: 'BAD_TICKET',
  /** The pair's meeting ticket is older than the max age, or was issued after the receipt. */
  TICKET_EXPIRED: 'TICKET_EXPIRED',
} as const;

export type ReceiptRejection = (typeof ReceiptRejection)[keyof typeof ReceiptRejection];

/** A receipt that failed a check. */
export interface Rejected {
  code: ReceiptRejection;
  message: string;
}

export function reject(code: ReceiptRejection, message: string): Rejected {
  return { code, message };
}
