/** `HTMLMediaElement.HAVE_CURRENT_DATA`: the current frame is there (not defined in Node). */
export const HAVE_CURRENT_DATA = 2;

/** What {@link afterFirstFrame} reads of a media element. */
export type FirstFrameMedia = Pick<
  HTMLMediaElement,
  'paused' | 'readyState' | 'addEventListener' | 'removeEventListener'
>;

/**
 * Runs `work` once, a task after `media` first plays (its first `playing` event), or a task from
 * now when it plays already. Never inside the first frame's dispatch: the page's own `playing`
 * listeners run first, and the frame is not delayed by what starts after it (P2P in decision 54,
 * the panels in decision 56). Returns what cancels it, before or after it ran.
 *
 * @example
 * const cancel = afterFirstFrame(video, () => engine.openConnections());
 */
export function afterFirstFrame(media: FirstFrameMedia, work: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const run = () => {
    timer = undefined;
    if (!cancelled) work();
  };
  const onPlaying = () => {
    timer = setTimeout(run, 0);
  };
  if (!media.paused && media.readyState >= HAVE_CURRENT_DATA) onPlaying();
  else media.addEventListener('playing', onPlaying, { once: true });
  return () => {
    cancelled = true;
    clearTimeout(timer);
    media.removeEventListener('playing', onPlaying);
  };
}
