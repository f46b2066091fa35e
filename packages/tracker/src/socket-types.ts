import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@streamrp2p/protocol';

/** What the tracker keeps on each socket (`socket.data`). */
export interface SocketData {
  /** Client IP, from the handshake (see `trustProxy`). */
  ip: string;
  /** Peer id the connection asked for or was granted. */
  requestedPeerId: string | undefined;
  /** Whether `requestedPeerId` was granted by authentication (it then wins over an older socket). */
  authoritative: boolean;
  /** When set, joins are limited to this stream (from the token). */
  streamId: string | undefined;
  /** When set, joins are limited to these renditions of `streamId` (from the token). */
  renditions: readonly string[] | undefined;
  /** The peer id, once assigned. */
  peerId: string | undefined;
}

/** Trackers send nothing to each other yet; a Redis adapter only broadcasts. */
export type InterServerEvents = Record<string, never>;

export type TrackerServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type TrackerSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** The socket.io room of a swarm; socket ids never contain `:`, so no clash with a socket's own room. */
export function swarmRoom(swarm: string): string {
  return `swarm:${swarm}`;
}
