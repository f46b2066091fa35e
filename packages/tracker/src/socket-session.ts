import { randomBytes } from 'node:crypto';
import createDebug from 'debug';
import { TRACKER_PROTOCOL_VERSION, type TrackerErrorCode } from '@streamrp2p/protocol';
import { TrackerError } from './errors.js';
import { guardedListener, installRateLimit, listen } from './event-guard.js';
import type { PeerDirectory } from './peer-directory.js';
import { swarmRoom, type TrackerSocket } from './socket-types.js';
import { createSwarmHandlers, type SwarmHandlerDeps } from './swarm-handlers.js';

const log = createDebug('streamrp2p:tracker:socket');

/** A random URL-safe peer id: 16 characters, 96 bits. */
export function generatePeerId(): string {
  return randomBytes(12).toString('base64url');
}

/** What a connected socket's session needs. */
export interface SessionDeps extends SwarmHandlerDeps {
  directory: PeerDirectory;
  isShuttingDown(): boolean;
  onRejected(code: TrackerErrorCode): void;
  /** Registers cleanup work so `close()` can wait for it. */
  track(work: Promise<unknown>): void;
}

/**
 * Gives the socket its peer id: the authenticated one (taking it over from an
 * older socket, which is disconnected), else the proposed one if free, else a
 * random one.
 */
async function assignPeerId(socket: TrackerSocket, deps: SessionDeps): Promise<string> {
  const { requestedPeerId, authoritative } = socket.data;
  if (requestedPeerId !== undefined) {
    const claim = await deps.directory.claim(requestedPeerId, socket.id, authoritative);
    if (claim.ok) {
      if (claim.previousSocketId !== undefined) {
        log(
          'peer %s reconnected; disconnecting its older socket %s',
          requestedPeerId,
          claim.previousSocketId,
        );
        deps.io.in(claim.previousSocketId).disconnectSockets(true);
      }
      return requestedPeerId;
    }
  }
  for (;;) {
    const id = generatePeerId();
    if ((await deps.directory.claim(id, socket.id, false)).ok) return id;
  }
}

async function cleanUp(
  socket: TrackerSocket,
  ready: Promise<string> | undefined,
  deps: SessionDeps,
): Promise<void> {
  const peerId = await ready?.catch(() => undefined);
  const left = await deps.registry.removeSocket(socket.id);
  if (peerId === undefined) return;
  for (const swarm of left) deps.io.to(swarmRoom(swarm)).emit('peer-left', { swarm, peerId });
  await deps.directory.release(peerId, socket.id);
  log('%s (%s) gone, left %d swarm(s)', peerId, socket.id, left.length);
}

/**
 * Makes the function that runs one accepted connection: rate limit, peer id,
 * `welcome`, the guarded events, and cleanup on disconnect (leave every
 * swarm at once and tell the remaining members with `peer-left`).
 *
 * The event listeners are made here once and shared by every socket (they
 * find theirs in `this`): a connection only adds its rate limiter and its
 * peer id, which matters at tens of thousands of connections per process.
 */
export function createSessionStarter(deps: SessionDeps): (socket: TrackerSocket) => void {
  const { config } = deps;
  /** Each socket's peer id, settled or not; events may arrive before it is. */
  const readyBySocket = new WeakMap<TrackerSocket, Promise<string>>();
  const peerIdOf = async (socket: TrackerSocket): Promise<string> => {
    if (deps.isShuttingDown()) throw new TrackerError('SHUTTING_DOWN', 'tracker is shutting down');
    const ready = readyBySocket.get(socket);
    if (ready === undefined) throw new TrackerError('SHUTTING_DOWN', 'connection is closing');
    return ready;
  };

  const handlers = createSwarmHandlers(peerIdOf, deps);
  const listeners = (['join', 'leave', 'peers', 'signal', 'ticket'] as const).map(
    (event) =>
      [
        event,
        guardedListener(
          event,
          handlers[event] as (s: TrackerSocket, p: unknown) => Promise<Record<string, unknown>>,
          deps.onRejected,
        ),
      ] as const,
  );

  const disconnected = (socket: TrackerSocket, reason: string): void => {
    log('%s disconnected: %s', socket.id, reason);
    deps.track(
      cleanUp(socket, readyBySocket.get(socket), deps).catch((err: unknown) =>
        log('cleanup of %s failed: %O', socket.id, err),
      ),
    );
  };
  // socket.io calls it with the socket as `this`: one function for every socket.
  function onDisconnect(this: TrackerSocket, reason: string): void {
    disconnected(this, reason);
  }

  const welcome = (socket: TrackerSocket, id: string): void => {
    socket.data.peerId = id;
    if (!socket.connected) return;
    socket.emit('welcome', {
      peerId: id,
      v: TRACKER_PROTOCOL_VERSION,
      limits: {
        maxSwarmsPerSocket: config.maxSwarmsPerSocket,
        maxPeersPerJoin: config.maxPeersPerJoin,
        maxEventsPerSecond: config.maxEventsPerSecond,
      },
      ...(config.secret !== undefined && { tickets: { renewMs: config.meetingTicketRenewMs } }),
    });
    log('%s connected as %s from %s', socket.id, id, socket.data.ip);
  };

  return (socket) => {
    installRateLimit(
      socket,
      {
        eventsPerSecond: config.maxEventsPerSecond,
        burst: config.eventBurst,
        floodFactor: config.floodDisconnectFactor,
      },
      deps.onRejected,
    );
    const ready = assignPeerId(socket, deps);
    readyBySocket.set(socket, ready);
    for (const [event, listener] of listeners) listen(socket, event, listener);
    socket.on('disconnect', onDisconnect);
    ready.then(
      (id) => welcome(socket, id),
      (err: unknown) => {
        log('assigning a peer id to %s failed: %O', socket.id, err);
        socket.disconnect(true);
      },
    );
  };
}
