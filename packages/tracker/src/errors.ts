import { TrackerErrorCode, type TrackerErrorBody } from '@streamrp2p/protocol';

export { TrackerErrorCode };

/**
 * The tracker's one error class. `code` is a wire code from the protocol, so
 * an error can be sent to a client as is (see {@link TrackerError.toBody}).
 *
 * @example
 * throw new TrackerError('NOT_IN_SWARM', 'join the swarm before asking for peers');
 */
export class TrackerError extends Error {
  override readonly name = 'TrackerError';

  constructor(
    readonly code: TrackerErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The error as it travels in an ack or a `connect_error`'s `data`. */
  toBody(): TrackerErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** An error ack for `error`: the value handlers pass to a socket.io ack callback. */
export function errorAck(error: TrackerError): { ok: false; error: TrackerErrorBody } {
  return { ok: false, error: error.toBody() };
}
