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

/** Resolves once `check()` holds, polling every 10 ms; rejects naming `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What a peer told us of one segment. */
export type PeerSegmentState = 'held' | 'fetching' | 'none';

/**
 * Resolves once a connected peer of `engine` in `rendition` has told it `state` for `sequence`
 * (`'none'`: no connected peer holds or fetches it), i.e. the peer's `have`/`update` crossed the
 * data channel: what a test waits for before a load that should (or should not) come from that
 * peer. Reads the engine's own view; its swarms are private, read through a cast in this one place.
 */
export function untilPeerSays(
  engine: P2PEngine,
  rendition: string,
  sequence: number,
  state: PeerSegmentState,
  ms = 10_000,
): Promise<void> {
  const swarms = (engine as unknown as { swarms: Map<string, SwarmView> }).swarms;
  const peers = () =>
    [...swarms.values()]
      .filter((swarm) => swarm.rendition === rendition)
      .flatMap((swarm) => swarm.connected());
  const says = (): boolean => {
    if (state === 'held') return peers().some((peer) => peer.has(sequence));
    if (state === 'fetching') return peers().some((peer) => peer.isFetching(sequence));
    return peers().every((peer) => !peer.has(sequence) && !peer.isFetching(sequence));
  };
  return until(says, `a peer to say ${rendition}/${sequence} is ${state}`, ms);
}

interface SwarmView {
  rendition: string;
  connected(): { has(sequence: number): boolean; isFetching(sequence: number): boolean }[];
}
