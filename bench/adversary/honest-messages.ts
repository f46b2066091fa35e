/** Messages between the run and its honest viewer processes (over the fork IPC channel). */
import type { ClockSchedule } from './sim-clock.js';

export interface HonestStart {
  type: 'start';
  /** Viewer name in logs and the origin's per-client counters. */
  name: string;
  /** Loopback source address of every connection of this viewer (its "machine"). */
  address: string;
  viewerId: string;
  streamId: string;
  trackerUrl: string;
  coordinatorUrl: string;
  playlistUrl: string;
  heartbeatMs: number;
  schedule: ClockSchedule;
}

export type HonestControl =
  | HonestStart
  /** The run's clock changed (the fast-forward started). */
  | { type: 'clock'; schedule: ClockSchedule }
  /** Stop loading segments, keep the session (heartbeats, challenges). */
  | { type: 'pause' }
  /** Flush receipts, end the session, report and exit. */
  | { type: 'stop' };

export interface HonestFigures {
  name: string;
  viewerId: string;
  address: string;
  segments: number;
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  /** Receipts this viewer signed that the coordinator credited / rejected, by code. */
  receiptsCredited: number;
  receiptsRejected: Record<string, number>;
  errors: Record<string, number>;
  /** A few distinct error messages, for the results. */
  errorSamples: string[];
  /** The SDK's challenge counters (polls, answered, passed, failed, skipped). */
  challenges: Record<string, number>;
}

export type HonestReport =
  | { type: 'ready' }
  | { type: 'progress'; figures: HonestFigures }
  | { type: 'report'; figures: HonestFigures };
