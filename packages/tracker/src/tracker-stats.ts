import type { TrackerErrorCode } from '@streamrp2p/protocol';
import type { SwarmSize } from './swarm-registry.js';

/** A snapshot of the tracker, as `tracker.stats()` and `GET /stats` give it. */
export interface TrackerStats {
  /** `'ok'`, or `'shutting-down'` once `close()` has begun. */
  status: 'ok' | 'shutting-down';
  /** Seconds since `start()`. */
  uptimeSeconds: number;
  /** Connected sockets on this process. */
  sockets: number;
  /** Non-empty swarms. */
  swarms: number;
  /** Swarm memberships (a socket in two swarms counts twice). */
  peers: number;
  /** Successful joins since start. */
  joinsTotal: number;
  /** Signals relayed since start. */
  signalsRelayedTotal: number;
  /** Rejected events and connections since start, by error code. */
  rejectedTotal: Partial<Record<TrackerErrorCode, number>>;
  /** The largest swarms (`statsTopSwarms` of them), largest first. */
  topSwarms: SwarmSize[];
}
