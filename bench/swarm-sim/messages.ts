/** What the simulator and its viewer processes say to each other over IPC. */

/** Parent → child: the viewers to run. */
export interface StartMessage {
  type: 'start';
  trackerUrl: string;
  streamId: string;
  /** Media playlist of the rendition every viewer plays (the origin adds `?client=`). */
  playlistUrl: string;
  /** `Date.now()` the parent counts join times from. */
  t0: number;
  viewers: { id: string; joinAtMs: number }[];
  maxPeers: number;
}

/** Parent → child: stop, report and exit. */
export interface StopMessage {
  type: 'stop';
}

export type ParentMessage = StartMessage | StopMessage;

/** One viewer's figures at the end. */
export interface ViewerReport {
  id: string;
  joinedAtMs: number;
  /** Join to the first segment delivered. */
  startupMs: number | null;
  segments: number;
  sources: { http: number; p2p: number; cache: number };
  httpBytes: number;
  p2pBytes: number;
  uploadedBytes: number;
  peers: number;
  /** Segments delivered after playback needed them (a real player would have stalled). */
  missedDeadlines: number;
  stallMs: number;
  /** Sequences delivered over HTTP (the parent counts duplicates). */
  httpSequences: number[];
  /** Segments fetched over HTTP by why (the engine's `httpReason`; the first segment: startup). */
  httpReasons: Record<string, number>;
  /** Engine `error` events by code, and a few messages. */
  errors: Record<string, number>;
  errorSamples: string[];
  loadFailures: number;
  peerConnects: number;
  peerCloses: Record<string, number>;
}

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; viewers: number; peers: number; p2pBytes: number; httpBytes: number }
  | {
      type: 'report';
      viewers: ViewerReport[];
      cpuSeconds: number;
      maxRssMb: number;
    };
