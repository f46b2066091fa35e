/** What a mounted panel gives back. */
export interface MountedPanel {
  destroy(): void;
}

/**
 * Mounts one of the player's panels (rewards, community, chat) once the video first plays: its
 * chunk loads (its own file in the ESM build) and its DOM is built a task after the first
 * `playing` event, so neither runs inside the first frame's dispatch, where the page's own
 * `playing` listeners wait behind them (decision 56, as P2P waits in decision 54). `load`
 * imports the panel and returns what mounts it; a failure is only logged.
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
  let timer: ReturnType<typeof setTimeout> | undefined;
  const mount = () => {
    timer = undefined;
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
  };
  const onFirstFrame = () => {
    timer = setTimeout(mount, 0);
  };
  video.addEventListener('playing', onFirstFrame, { once: true });
  return {
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      video.removeEventListener('playing', onFirstFrame);
      panel?.destroy();
    },
  };
}
