/** Messages between the load generator (parent) and its client processes (workers), over IPC. */

/** Parent to worker: open `peers` clients at `ratePerSecond`. */
export interface StartMessage {
  type: 'start';
  /**
   * Tracker base URLs. Client g of swarm `g mod swarms` uses tracker
   * `floor(g / swarms) mod urls.length`, so every swarm spans every tracker.
   */
  urls: string[];
  /** This worker's index and the number of workers; peer g = index + i * workers. */
  index: number;
  workers: number;
  peers: number;
  ratePerSecond: number;
  swarms: number;
  /** Source address of this worker's connections (127.0.0.x), so each worker has its own port range. */
  localAddress: string | undefined;
  /** Stop opening clients after this many failures (the tracker is saturated). */
  maxErrors: number;
}

/** Parent to worker: report, then (with `stop`) disconnect everything. */
export interface ControlMessage {
  type: 'report' | 'stop';
}

export type ParentMessage = StartMessage | ControlMessage;

/** Worker to parent, twice a second and when done. */
export interface ProgressMessage {
  type: 'progress';
  opened: number;
  connected: number;
  joined: number;
  errors: number;
  /** Every client of this worker was opened and has joined or failed. */
  done: boolean;
}

/** Worker to parent: every figure it measured. */
export interface ResultMessage {
  type: 'result';
  /** WebSocket created to its upgrade (HTTP 101), ms: TCP connect, accept and upgrade. */
  upgradeMs: number[];
  /** WebSocket created to `welcome`, ms. */
  connectMs: number[];
  /** `join` emit to its ack, ms. */
  joinMs: number[];
  /** A signal's send time to its arrival at the target (possibly in another worker), ms. */
  signalMs: number[];
  /** `signalMs` of signals whose sender and target used the same tracker. */
  signalLocalMs: number[];
  /** `signalMs` of signals relayed from one tracker process to another. */
  signalCrossMs: number[];
  signalsSent: number;
  signalAcksOk: number;
  errors: Record<string, number>;
  connectedAtReport: number;
}

export type WorkerMessage = ProgressMessage | ResultMessage;

/** A timestamp comparable between processes of one machine, in ms with sub-ms precision. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
