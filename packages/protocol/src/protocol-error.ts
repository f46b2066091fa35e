/**
 * The one error class of the protocol package. Codecs throw it for bad input (decoding) and bad
 * arguments (encoding), so a caller can tell "the peer sent garbage" from a bug in its own code
 * with a single `instanceof` check and a switch on `code`.
 */

/**
 * Codes carried by {@link ProtocolError}. Keys equal values, so the code reads the same in
 * source (`ProtocolErrorCode.MALFORMED_MESSAGE`) and in logs or JSON (`'MALFORMED_MESSAGE'`).
 */
export const ProtocolErrorCode = {
  /** The message was written for a protocol version this build does not speak. */
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** The message type code is not one this version defines. */
  UNKNOWN_MESSAGE: 'UNKNOWN_MESSAGE',
  /** The message is truncated, has trailing bytes, or holds a value outside its limits. */
  MALFORMED_MESSAGE: 'MALFORMED_MESSAGE',
  /** The message is larger than the protocol allows; rejected before it is parsed. */
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  /** A caller passed a value that cannot be encoded (wrong type, out of range, over a limit). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;

/** One of the {@link ProtocolErrorCode} values. */
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/**
 * Thrown by the protocol codecs. Errors are data: branch on `code`, show `message` to humans.
 *
 * @example
 * try {
 *   decodePeerMessage(bytes);
 * } catch (err) {
 *   if (err instanceof ProtocolError && err.code === ProtocolErrorCode.UNSUPPORTED_VERSION) {
 *     peer.destroy(); // a newer client: nothing we can say to it
 *   } else throw err;
 * }
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** Machine-readable reason; stable across releases, unlike `message`. */
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
