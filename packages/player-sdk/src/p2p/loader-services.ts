import type { Verification } from '../coordinator/coordinator-link.js';
import type { SdkError } from '../errors.js';
import type { EngineConfig } from './config.js';
import type { HttpEstimator } from './http-estimator.js';
import type { SegmentStore } from './segment-store.js';

/** What a load tells the engine: bytes to count as they arrive, and trouble to report. */
export type LoadReport =
  | { type: 'bytes'; from: 'http' | 'p2p'; bytes: number }
  /** A download from a peer failed (its score already counts it); the load goes on. */
  | { type: 'peer-failure'; peerId: string; error: SdkError }
  /** Every byte of the segment came from `peerId` and did not match the segment's root. */
  | { type: 'integrity-failure'; peerId: string; rendition: string; sequence: number }
  /** No root for the segment in time: its bytes from peers were used unchecked or refetched. */
  | { type: 'unverified'; rendition: string; sequence: number };

/** What a swarm's segment loader needs from the engine; one set serves every swarm. */
export interface LoaderServices {
  readonly config: EngineConfig;
  /** The segments we hold, by swarm. Putting one makes the store announce it "held". */
  readonly store: Pick<SegmentStore, 'get' | 'put' | 'has'>;
  /** HTTP timings and segment sizes measured so far, shared by every swarm. */
  readonly http: Pick<HttpEstimator, 'estimateMs' | 'segmentSize' | 'record' | 'recordSize'>;
  /** Our peer id (`''` until the tracker assigned one) and whether we upload nothing, now. */
  self(): { peerId: string; consumeOnly: boolean };
  /** When swarm joins could start (`performance.now()`); undefined while they are deferred. */
  connectionsOpenedAt(): number | undefined;
  /** Tells a swarm's peers about one of our segments (nothing while consume-only). */
  announce(swarm: string, sequence: number, state: 'fetching' | 'dropped'): void;
  /** Checks bytes from peers against the segment's root, waiting up to `waitMs` for it. */
  verify(
    rendition: string,
    sequence: number,
    bytes: Uint8Array,
    waitMs: number,
  ): Promise<Verification>;
  report(report: LoadReport): void;
}
