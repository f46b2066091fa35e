import { SdkError, SdkErrorCode } from '../errors.js';

/** The `SdkErrorCode`s a coordinator call fails with. */
export const CoordinatorErrorCode = {
  /** Network failure, timeout, 5xx or 429: worth retrying later. */
  Unavailable: SdkErrorCode.CoordinatorUnavailable,
  /** A 4xx answer: retrying the same request would fail again. */
  Rejected: SdkErrorCode.CoordinatorRejected,
} as const;
export type CoordinatorErrorCode = (typeof CoordinatorErrorCode)[keyof typeof CoordinatorErrorCode];

/** What `SdkError.details` holds for a coordinator call. */
export interface CoordinatorErrorDetails {
  [key: string]: unknown;
  /** Whether the same request may succeed later. */
  retryable: boolean;
  method?: string;
  path?: string;
  /** HTTP status, when the coordinator answered. */
  status?: number;
  /** The `error.code` of the coordinator's answer, when it sent one. */
  serverCode?: string;
  /** From a `Retry-After` header (429, 503). */
  retryAfterMs?: number;
}

/** An `SdkError` for a coordinator call. */
export function coordinatorError(
  code: CoordinatorErrorCode,
  message: string,
  details: CoordinatorErrorDetails,
): SdkError {
  return new SdkError(code, message, details);
}

/** Whether a failed coordinator call may succeed if tried again (network, timeout, 5xx, 429). */
export function isRetryable(error: unknown): boolean {
  return error instanceof SdkError && error.details.retryable === true;
}

/** Any thrown value as an `SdkError` (unknown failures count as retryable). */
export function toSdkError(error: unknown): SdkError {
  if (error instanceof SdkError) return error;
  return coordinatorError(CoordinatorErrorCode.Unavailable, String(error), { retryable: true });
}
