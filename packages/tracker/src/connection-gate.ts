import createDebug from 'debug';
import type { ExtendedError } from 'socket.io';
import { TRACKER_PROTOCOL_VERSION, parseHandshake } from '@streamrp2p/protocol';
import type { Authenticator } from './auth.js';
import { clientIp, type TrustFunction } from './client-ip.js';
import type { ConnectionLimiter } from './connection-counter.js';
import { TrackerError } from './errors.js';
import type { TrackerSocket } from './socket-types.js';

const log = createDebug('streamrp2p:tracker:gate');

/** What the handshake check needs from the tracker. */
export interface GateDeps {
  authenticate: Authenticator | undefined;
  trust: TrustFunction | undefined;
  /** Connections per IP (see `maxSocketsPerIp`). */
  connections: ConnectionLimiter;
  isShuttingDown(): boolean;
  onRejected(error: TrackerError): void;
}

/** A socket.io connect error whose `data` carries the wire error body. */
function connectError(error: TrackerError): ExtendedError {
  const err: ExtendedError = new Error(error.message);
  err.data = error.toBody();
  return err;
}

async function admit(socket: TrackerSocket, deps: GateDeps): Promise<void> {
  if (deps.isShuttingDown()) throw new TrackerError('SHUTTING_DOWN', 'tracker is shutting down');
  const parsed = parseHandshake(socket.handshake.auth);
  if (!parsed.ok) throw new TrackerError('BAD_REQUEST', parsed.message);
  const handshake = parsed.value;
  if (handshake.v !== TRACKER_PROTOCOL_VERSION) {
    throw new TrackerError(
      'VERSION_MISMATCH',
      `tracker speaks protocol v${TRACKER_PROTOCOL_VERSION}, client sent v${handshake.v}`,
    );
  }
  const ip = clientIp(socket.handshake.address, socket.handshake.headers, deps.trust);
  socket.data = {
    ip,
    requestedPeerId: handshake.peerId,
    authoritative: false,
    streamId: undefined,
    renditions: undefined,
    peerId: undefined,
  };
  if (deps.authenticate !== undefined) {
    const result = await deps.authenticate(handshake, { ip });
    if (!result.ok) throw result.error;
    if (result.peerId !== undefined) {
      socket.data.requestedPeerId = result.peerId;
      socket.data.authoritative = true;
    }
    socket.data.streamId = result.streamId;
    socket.data.renditions = result.renditions;
  }
  // Counted last, after every await, so a refused or abandoned handshake never holds a slot.
  if (socket.conn.readyState !== 'open')
    throw new TrackerError('SHUTTING_DOWN', 'the connection closed during its handshake');
  if (!(await deps.connections.admit(ip, socket.conn))) {
    throw new TrackerError(
      'TOO_MANY_CONNECTIONS',
      `at most ${deps.connections.limit} connections from one address`,
    );
  }
}

/**
 * The socket.io middleware that admits connections: not while shutting down,
 * a well-formed handshake of our protocol version, and authentication when
 * configured. A refusal reaches the client as `connect_error` with
 * `err.data = { code, message }`.
 */
export function createConnectionGate(
  deps: GateDeps,
): (socket: TrackerSocket, next: (err?: ExtendedError) => void) => void {
  return (socket, next) => {
    admit(socket, deps).then(
      () => next(),
      (err: unknown) => {
        const error =
          err instanceof TrackerError
            ? err
            : new TrackerError('UNAUTHORIZED', 'authentication failed');
        if (!(err instanceof TrackerError)) log('authenticate threw: %O', err);
        log('refused %s: %s %s', socket.handshake.address, error.code, error.message);
        deps.onRejected(error);
        next(connectError(error));
      },
    );
  };
}
