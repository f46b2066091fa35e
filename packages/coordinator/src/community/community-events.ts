/**
 * The coordinator's in-process bus of community events (issue 13): what happened in a stream's
 * community that viewers may be told about. Producers (supporters joining, data milestones,
 * community goals, squads) emit only after the fact is committed to the database; consumers
 * (the chat hub's system messages, the player's community feed) subscribe. Each process emits
 * what it produced itself; the chat's socket.io adapter carries it to other processes' rooms.
 */
import { EventEmitter } from 'node:events';

export type CommunityEventKind =
  /** A viewer's first credited upload in the stream: "X is now helping power this stream". */
  | 'supporter_joined'
  /** The stream's verified P2P bytes crossed another whole GB. */
  | 'data_milestone'
  /** A community goal's progress changed (`data.progress` / `data.target`). */
  | 'goal_progress'
  /** A community goal was reached. */
  | 'goal_reached'
  /** A viewer joined the streamer's support squad. */
  | 'squad_joined';

export interface CommunityEvent {
  /** Unique id (a UUID or the row id of what produced it), so a consumer can drop repeats. */
  id: string;
  kind: CommunityEventKind;
  streamId: string;
  streamerId: string;
  /** The sentence shown to viewers, already rendered, with no viewer id or address in it. */
  text: string;
  /** ISO time of the fact. */
  at: string;
  /** Kind-specific figures (bytes, goal ids, progress); never a raw viewer id or address. */
  data: Readonly<Record<string, string | number | boolean | null>>;
}

export class CommunityEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per consumer module, not per viewer; a few is normal.
    this.#emitter.setMaxListeners(50);
  }

  emit(event: CommunityEvent): void {
    this.#emitter.emit('event', event);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: CommunityEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
