import { afterFirstFrame } from '../first-frame.js';

/** What a mounted panel gives back. */
export interface MountedPanel {
  destroy(): void;
}

/**
 * Mounts one of the player's panels (rewards, community, chat) once the video first plays: its
 * chunk loads (its own file in the ESM build) and its DOM is built by {@link afterFirstFrame},
 * a task after the first `playing` event, so neither runs inside the first frame's dispatch,
 * where the page's own `playing` listeners wait behind them (decision 56). `load` imports the
 * panel and returns what mounts it; a failure is only logged.
 *
 * @example
 * mountAfterFirstFrame(video, container, 'chat', () =>
 *   import('./chat-ui.js').then(({ mountChat }) => () => mountChat(options)),
 * );
 */
export function mountAfterFirstFrame(
  video: HTMLVideoElement,
  container: HTMLElement,
  name: string,
  load: () => Promise<() => MountedPanel>,
): MountedPanel {
  let panel: MountedPanel | undefined;
  let destroyed = false;
  const cancel = afterFirstFrame(video, () => {
    load()
      .then((mountPanel) => {
        if (destroyed) return;
        // The panels are positioned inside the container.
        if (getComputedStyle(container).position === 'static') {
          container.style.position = 'relative';
        }
        panel = mountPanel();
      })
      .catch((error: unknown) => console.warn(`streamrp2p: the ${name} could not load`, error));
  });
  return {
    destroy() {
      destroyed = true;
      cancel();
      panel?.destroy();
    },
  };
}
