/**
 * One event of a map as a tagged value: `{ event: 'ready', payload: { peerId } } | ...`. Checking
 * `event` narrows `payload`, so a forwarder can tell events apart without a hand-kept list.
 */
export type AnyEvent<Events> = {
  [E in keyof Events & string]: { event: E; payload: Events[E] };
}[keyof Events & string];

type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter, the base of the SDK's public classes. Event names and payloads
 * come from the map's own keys, so `on('segment-laoded', …)` does not compile; the map has no
 * index signature (hls.js' `HlsListeners` and socket.io's `EventsMap` do the same). `emit` is
 * protected: only the class itself raises its events (internal code uses {@link EventBus}).
 *
 * A listener that throws never breaks the emitter or the engine: the exception is reported
 * through `onListenerError` (hls.js does the same).
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  /** once() wrappers by the caller's listener, so off() with the original removes them. */
  private readonly onceWrappers = new Map<Listener<never>, Listener<never>>();
  private readonly anyListeners = new Set<Listener<AnyEvent<Events>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): () => void {
    const wrapper: Listener<Events[E]> = (payload) => {
      this.off(event, listener);
      listener(payload);
    };
    this.onceWrappers.set(listener as Listener<never>, wrapper as Listener<never>);
    this.on(event, wrapper);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void {
    const set = this.listeners.get(event);
    const wrapper = this.onceWrappers.get(listener as Listener<never>);
    if (wrapper && set?.delete(wrapper)) this.onceWrappers.delete(listener as Listener<never>);
    set?.delete(listener as Listener<never>);
  }

  /**
   * Every event, after its own listeners: the one way events are forwarded from one emitter to
   * another (engine to player, coordinator client to engine), so no list of names is kept.
   */
  onAny(listener: Listener<AnyEvent<Events>>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  removeAllListeners(): void {
    this.listeners.clear();
    this.onceWrappers.clear();
    this.anyListeners.clear();
  }

  protected emit<E extends keyof Events & string>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    for (const listener of set ? [...set] : []) this.call(listener as Listener<Events[E]>, payload);
    if (this.anyListeners.size === 0) return;
    const tagged = { event, payload } as AnyEvent<Events>;
    for (const listener of [...this.anyListeners]) this.call(listener, tagged);
  }

  private call<T>(listener: Listener<T>, payload: T): void {
    try {
      listener(payload);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}

/** An emitter whose `emit` is public: for internal parts that raise events on another's behalf. */
export class EventBus<Events extends object> extends Emitter<Events> {
  override emit<E extends keyof Events & string>(event: E, payload: Events[E]): void {
    super.emit(event, payload);
  }
}
