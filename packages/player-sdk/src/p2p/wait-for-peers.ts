import type { Swarm } from './swarm.js';

/**
 * Waits until a peer's state changes for `sequence` (or wholesale), a peer connects or closes,
 * the tracker answers our join, `until` (`performance.now()` clock) passes, or `signal` aborts: anything that can change the
 * scheduler's decision. Never rejects.
 */
export function waitForPeers(
  swarm: Pick<Swarm, 'on'>,
  sequence: number,
  until: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      offState();
      offConnect();
      offClose();
      offJoined();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, until - performance.now()));
    const offState = swarm.on('peer-state', (event) => {
      if (event.sequence === undefined || event.sequence === sequence) done();
    });
    const offConnect = swarm.on('peer-connect', done);
    const offClose = swarm.on('peer-close', done);
    const offJoined = swarm.on('joined', done);
    signal?.addEventListener('abort', done, { once: true });
  });
}
