import createDebug from 'debug';
import type { TrackerErrorCode } from '@streamrp2p/protocol';
import { TrackerError, errorAck } from './errors.js';
import { EventRateLimiter, type RateLimitOptions } from './rate-limiter.js';
import type { TrackerSocket } from './socket-types.js';

const log = createDebug('streamrp2p:tracker:guard');

type Ack = (response: unknown) => void;

function ackOf(args: readonly unknown[]): Ack | undefined {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as Ack) : undefined;
}

/** Calls a client's ack; socket.io ignores a second call, and a throwing ack must not escape. */
function safeAck(ack: Ack, response: unknown): void {
  try {
    ack(response);
  } catch (err) {
    log('ack threw: %O', err);
  }
}

/**
 * Installs the per-socket rate limit as socket.io middleware: an event over
 * the limit is dropped and answered `RATE_LIMITED`; a socket that floods far
 * past it is disconnected.
 */
export function installRateLimit(
  socket: TrackerSocket,
  options: RateLimitOptions,
  onRejected: (code: TrackerErrorCode) => void,
): void {
  const limiter = new EventRateLimiter(options, Date.now());
  socket.use((packet, next) => {
    const decision = limiter.take(Date.now());
    if (decision === 'allow') return next();
    onRejected('RATE_LIMITED');
    if (decision === 'flood') {
      log('disconnecting %s (%s): flooding', socket.id, socket.data.ip);
      socket.disconnect(true);
      return;
    }
    const ack = ackOf(packet);
    if (ack !== undefined) {
      safeAck(
        ack,
        errorAck(
          new TrackerError(
            'RATE_LIMITED',
            `more than ${options.eventsPerSecond} events per second`,
          ),
        ),
      );
    }
  });
}

/** What a guarded handler returns: the fields of an `{ ok: true }` ack. */
export type HandlerResult = Record<string, unknown>;

/** A socket.io listener that socket.io calls with the socket as `this`. */
export type SocketListener = (this: TrackerSocket, ...args: unknown[]) => void;

/**
 * A listener for `event` around a handler that can only answer through its
 * return value or a thrown {@link TrackerError}: the payload arrives as
 * `unknown`, a missing ack is `BAD_REQUEST` (the event is not acted on), and
 * any other exception becomes an error ack and a log line, never a crash.
 * The listener finds its socket in `this` (socket.io emits with the socket as
 * receiver), so one listener serves every socket of a tracker.
 */
export function guardedListener(
  event: string,
  handler: (socket: TrackerSocket, payload: unknown) => Promise<HandlerResult>,
  onRejected: (code: TrackerErrorCode) => void,
): SocketListener {
  const run = async (socket: TrackerSocket, args: unknown[]): Promise<void> => {
    const ack = ackOf(args);
    let response: unknown;
    try {
      if (ack === undefined)
        throw new TrackerError('BAD_REQUEST', `${event} needs an ack callback`);
      // `emit(event, ack)` has no payload: args[0] is the ack itself then.
      response = { ok: true, ...(await handler(socket, args.length >= 2 ? args[0] : undefined)) };
    } catch (err) {
      const error =
        err instanceof TrackerError ? err : new TrackerError('BAD_REQUEST', `${event} failed`);
      if (!(err instanceof TrackerError)) log('%s handler failed: %O', event, err);
      onRejected(error.code);
      response = errorAck(error);
    }
    if (ack !== undefined) safeAck(ack, response);
  };
  return function (this: TrackerSocket, ...args: unknown[]) {
    void run(this, args);
  };
}

/** Adds a shared {@link SocketListener}; typed loosely on purpose, the payload is untrusted until parsed. */
export function listen(socket: TrackerSocket, event: string, listener: SocketListener): void {
  (socket as unknown as { on(event: string, listener: SocketListener): void }).on(event, listener);
}
