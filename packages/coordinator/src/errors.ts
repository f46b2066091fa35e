/**
 * The coordinator's one error class and the one table mapping each code to its HTTP status.
 * Every error response is `{ error: { code, message } }` (see protocol's `ApiErrorBody`).
 */
import type { ApiErrorBody } from '@streamrp2p/protocol';

/** Error code → HTTP status. The only place statuses are decided. */
export const API_ERROR_STATUS = Object.freeze({
  /** A body, query or path parameter has the wrong shape. */
  VALIDATION_ERROR: 400,
  /** The body is not valid JSON. */
  INVALID_JSON: 400,
  /** A receipt of a batch is malformed (the message names its index): the batch is refused whole. */
  INVALID_RECEIPT: 400,
  /** The receipt batch signature does not verify with the receiver session's key. */
  BAD_SIGNATURE: 400,
  /** The Authorization header is missing or the key/secret is wrong. */
  UNAUTHORIZED: 401,
  /** The session ended or was not seen within `SESSION_TTL_SECONDS`: create a new one. */
  SESSION_EXPIRED: 401,
  /** Authenticated, but not the owner. */
  FORBIDDEN: 403,
  VIEWER_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  STREAM_NOT_FOUND: 404,
  /** No session with this id and secret (one answer for both, so ids cannot be probed). */
  SESSION_NOT_FOUND: 404,
  CHALLENGE_NOT_FOUND: 404,
  /** A challenge is answered once. */
  ALREADY_ANSWERED: 409,
  /** The body is larger than the limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** More than 500 receipts in one batch. */
  BATCH_TOO_LARGE: 413,
  /** The body's `Content-Encoding` or charset is not one the coordinator reads. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The public key is well-formed text but not a P-256 point. */
  INVALID_PUBLIC_KEY: 422,
  /** The session is in another stream or belongs to another viewer. */
  NOT_IN_STREAM: 422,
  /** A timestamp far in the future or the past. */
  IMPLAUSIBLE_TIME: 422,
  /** A stream URL that is not http(s), or whose host is in loopback, private or other non-public space. */
  URL_NOT_ALLOWED: 422,
  /** The public key belongs to a live session of another viewer (one live session per key). */
  KEY_IN_USE: 409,
  /** A per-address or per-network limit is reached; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  /** A review endpoint while no `ADMIN_API_KEY` is configured. */
  ADMIN_DISABLED: 403,
  /** No hold with this id. */
  HOLD_NOT_FOUND: 404,
  /** The hold was already released or voided the other way. */
  HOLD_DECIDED: 409,
  /** A receipt batch's `usage` report is malformed or beyond its physical bound. */
  INVALID_USAGE: 400,
  /** A time-series range and step that would answer more than 10,000 points. */
  TOO_MANY_POINTS: 400,
  /** An idempotency key used before with another body. */
  IDEMPOTENCY_CONFLICT: 409,
  /** An amount in another currency than the deployment's `CURRENCY`. */
  CURRENCY_MISMATCH: 422,
  /** A period end at or before the stream's last closed end that is not one of its ends. */
  PERIOD_OVERLAPS: 409,
  /** A period end less than a minute in the past (its receipts may not all have landed). */
  PERIOD_NOT_ENDED: 422,
  PERIOD_NOT_FOUND: 404,
  /** A payout destination the provider cannot pay (a Stripe `acct_...` id, a payout-file label). */
  INVALID_PAYOUT_DESTINATION: 422,
  /** Sign-in refused: no account with this email, or the wrong password (one answer for both). */
  INVALID_CREDENTIALS: 401,
  /** A cookie-authenticated change without this session's `X-CSRF-Token`, or from another origin. */
  CSRF_FAILED: 403,
  /** An account with this email exists. */
  EMAIL_IN_USE: 409,
  /** This viewer id has an account already (one account per viewer). */
  VIEWER_ACCOUNT_EXISTS: 409,
  /** The streamer has no API key with this id. */
  API_KEY_NOT_FOUND: 404,
  /** The streamer already has the most live API keys allowed (revoke one first). */
  API_KEY_LIMIT: 409,
  /** The streamer has no community goal with this id. */
  GOAL_NOT_FOUND: 404,
  /** The goal was reached or ended: it cannot change any more. */
  GOAL_CLOSED: 409,
  /** The streamer already has the most open community goals allowed (end one first). */
  GOAL_LIMIT: 409,
  INTERNAL_ERROR: 500,
  /** The database is unreachable: retry after the `Retry-After` header's seconds. */
  UNAVAILABLE: 503,
});

/** One of the keys of {@link API_ERROR_STATUS}. */
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/**
 * Thrown by handlers; the error middleware turns it into its status and body.
 *
 * @example
 * throw new ApiError('FORBIDDEN', 'only the stream owner may change it');
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status from {@link API_ERROR_STATUS}. */
  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
