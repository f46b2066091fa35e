/** Waiting for engine events in the Node engine tests. */
import type { EngineEvents, P2PEngine } from '../src/index.js';

/** Resolves with the first payload of `event` matching `accept`; rejects after `ms`. */
export function nextEvent<E extends keyof EngineEvents & string>(
  engine: P2PEngine,
  event: E,
  ms = 20_000,
  accept: (payload: EngineEvents[E]) => boolean = () => true,
): Promise<EngineEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const off = engine.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
