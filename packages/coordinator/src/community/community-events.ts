/**
 * The coordinator's in-process bus of community events (issue 13): what happened in a stream's
 * community that viewers may be told about. Producers (supporters joining, data milestones,
 * community goals, squads) emit only after the fact is committed to the database; consumers
 * (the chat hub's system messages, the player's community feed) subscribe. Each process emits
 * what it produced itself; the chat's socket.io adapter carries it to other processes' rooms.
 */
import createDebug from 'debug';

const log = createDebug('streamrp2p:coordinator:community');

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
  readonly #listeners = new Set<(event: CommunityEvent) => void>();

  /**
   * Hands `event` to every subscriber. A subscriber that throws is logged and the others still
   * get the event: a producer has committed the fact already and must not fail on a consumer.
   */
  emit(event: CommunityEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        log('a community event subscriber threw on %s: %s', event.kind, (error as Error).message);
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: CommunityEvent) => void): () => void {
    // Wrapped, so subscribing one function twice gives two independent subscriptions.
    const wrapped = (event: CommunityEvent) => listener(event);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }
}
