/** A listener map: event name to payload type. */
export type EventMap = { [event: string]: unknown };

type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter. A listener that throws never breaks the emitter or the
 * engine: the exception is reported through `onListenerError` (hls.js does the same).
 */
export class Emitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  /** once() wrappers by the caller's listener, so off() with the original removes them. */
  private readonly onceWrappers = new Map<Listener<never>, Listener<never>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    const wrapper: Listener<Events[E]> = (payload) => {
      this.off(event, listener);
      listener(payload);
    };
    this.onceWrappers.set(listener as Listener<never>, wrapper as Listener<never>);
    this.on(event, wrapper);
    return () => this.off(event, listener);
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): void {
    const set = this.listeners.get(event);
    const wrapper = this.onceWrappers.get(listener as Listener<never>);
    if (wrapper && set?.delete(wrapper)) this.onceWrappers.delete(listener as Listener<never>);
    set?.delete(listener as Listener<never>);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  removeAllListeners(): void {
    this.listeners.clear();
    this.onceWrappers.clear();
  }
}
