import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mountAfterFirstFrame, type MountedPanel } from './panel-loader.js';

/** A `<video>` as far as the loader uses it: an event target, not playing yet. */
const fakeVideo = () =>
  Object.assign(new EventTarget(), { paused: true, readyState: 0 }) as unknown as HTMLVideoElement;
/** A container whose computed position the test sets. */
const fakeContainer = () => ({ style: { position: '' } }) as unknown as HTMLElement;

let position: string;
beforeEach(() => {
  vi.useFakeTimers();
  position = 'static';
  vi.stubGlobal('getComputedStyle', () => ({ position }));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A panel's `load`: counts loads, mounts, and the panel's destroy. */
function panel() {
  const counts = { loads: 0, mounts: 0, destroys: 0 };
  const load = () => {
    counts.loads += 1;
    return Promise.resolve((): MountedPanel => {
      counts.mounts += 1;
      return { destroy: () => (counts.destroys += 1) };
    });
  };
  return { counts, load };
}

describe('mountAfterFirstFrame', () => {
  it('loads nothing before playing nor inside the playing event; mounts a task later, once', async () => {
    const video = fakeVideo();
    const container = fakeContainer();
    const { counts, load } = panel();
    mountAfterFirstFrame(video, container, 'rewards', load);
    video.dispatchEvent(new Event('loadeddata'));
    expect(counts.loads).toBe(0);

    video.dispatchEvent(new Event('playing'));
    // The first frame's own listeners run first: nothing of the panel inside the event.
    expect(counts.loads).toBe(0);
    await vi.runAllTimersAsync();
    expect(counts).toEqual({ loads: 1, mounts: 1, destroys: 0 });
    // Positioned for the panel's overlay.
    expect(container.style.position).toBe('relative');

    // A pause and a second `playing` mount nothing more.
    video.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(counts.mounts).toBe(1);
  });

  it('keeps a container that is already positioned as it is', async () => {
    position = 'absolute';
    const video = fakeVideo();
    const container = fakeContainer();
    mountAfterFirstFrame(video, container, 'chat', panel().load);
    video.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(container.style.position).toBe('');
  });

  it('destroy() before the first frame, or between it and the mount, mounts nothing', async () => {
    const before = panel();
    const videoBefore = fakeVideo();
    mountAfterFirstFrame(videoBefore, fakeContainer(), 'chat', before.load).destroy();
    videoBefore.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(before.counts).toEqual({ loads: 0, mounts: 0, destroys: 0 });

    const between = panel();
    const videoBetween = fakeVideo();
    const handle = mountAfterFirstFrame(videoBetween, fakeContainer(), 'chat', between.load);
    videoBetween.dispatchEvent(new Event('playing'));
    handle.destroy();
    await vi.runAllTimersAsync();
    expect(between.counts).toEqual({ loads: 0, mounts: 0, destroys: 0 });
  });

  it('destroy() after the mount destroys the panel', async () => {
    const video = fakeVideo();
    const { counts, load } = panel();
    const handle = mountAfterFirstFrame(video, fakeContainer(), 'community feed', load);
    video.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    handle.destroy();
    expect(counts).toEqual({ loads: 1, mounts: 1, destroys: 1 });
  });

  it('a chunk that fails to load is logged with the panel name, and playback goes on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const video = fakeVideo();
    mountAfterFirstFrame(video, fakeContainer(), 'community feed', () =>
      Promise.reject(new Error('chunk 404')),
    );
    video.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(warn).toHaveBeenCalledWith(
      'streamrp2p: the community feed could not load',
      expect.objectContaining({ message: 'chunk 404' }),
    );
    warn.mockRestore();
  });
});
