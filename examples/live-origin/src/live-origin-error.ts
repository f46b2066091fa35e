/**
 * The one error class of the live origin. Options, fixture loading and the control endpoint
 * throw it, so a caller (or the CLI, which maps it to exit code 2) can tell bad input from a bug.
 */

/** Codes carried by {@link LiveOriginError}. Keys equal values. */
export const LiveOriginErrorCode = {
  /** An option or a `configure()` / `POST /control` field is missing, unknown or out of range. */
  INVALID_OPTION: 'INVALID_OPTION',
  /** The fixture folder is missing files or its playlists cannot be used for a live loop. */
  INVALID_FIXTURE: 'INVALID_FIXTURE',
  /** An HTTP request body could not be parsed (not JSON, too large). */
  BAD_REQUEST: 'BAD_REQUEST',
} as const;

/** One of the {@link LiveOriginErrorCode} values. */
export type LiveOriginErrorCode = (typeof LiveOriginErrorCode)[keyof typeof LiveOriginErrorCode];

/**
 * Thrown by the live origin. Branch on `code`, show `message` to humans.
 *
 * @example
 * try {
 *   origin.configure({ failureRate: 2 });
 * } catch (err) {
 *   if (err instanceof LiveOriginError && err.code === 'INVALID_OPTION') console.error(err.message);
 * }
 */
export class LiveOriginError extends Error {
  override readonly name = 'LiveOriginError';
  /** Machine-readable reason; stable across releases, unlike `message`. */
  readonly code: LiveOriginErrorCode;

  constructor(code: LiveOriginErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
