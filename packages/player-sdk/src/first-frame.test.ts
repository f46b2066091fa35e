import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterFirstFrame } from './first-frame.js';

/** A media element as far as the helper reads it. */
function fakeMedia(state: { paused: boolean; readyState: number }) {
  return Object.assign(new EventTarget(), state);
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('afterFirstFrame', () => {
  it('runs nothing before playing nor inside the playing event; a task later, once', async () => {
    const media = fakeMedia({ paused: true, readyState: 1 });
    const work = vi.fn();
    afterFirstFrame(media, work);
    media.readyState = 2;
    media.dispatchEvent(new Event('loadeddata'));
    media.paused = false;
    media.dispatchEvent(new Event('playing'));
    // The first frame's own listeners go first.
    expect(work).not.toHaveBeenCalled();
    await vi.runAllTimersAsync();
    expect(work).toHaveBeenCalledOnce();
    media.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(work).toHaveBeenCalledOnce();
  });

  it('runs a task from now when the media plays already, and not for paused media with data', async () => {
    const playing = vi.fn();
    afterFirstFrame(fakeMedia({ paused: false, readyState: 4 }), playing);
    expect(playing).not.toHaveBeenCalled();
    await vi.runAllTimersAsync();
    expect(playing).toHaveBeenCalledOnce();

    // Autoplay refused: the frame is there, but nothing plays yet.
    const paused = vi.fn();
    afterFirstFrame(fakeMedia({ paused: true, readyState: 4 }), paused);
    await vi.runAllTimersAsync();
    expect(paused).not.toHaveBeenCalled();
  });

  it('is cancelled before the first frame, and between the frame and its task', async () => {
    const before = fakeMedia({ paused: true, readyState: 0 });
    const early = vi.fn();
    afterFirstFrame(before, early)();
    before.dispatchEvent(new Event('playing'));
    await vi.runAllTimersAsync();
    expect(early).not.toHaveBeenCalled();

    const between = fakeMedia({ paused: true, readyState: 0 });
    const late = vi.fn();
    const cancel = afterFirstFrame(between, late);
    between.dispatchEvent(new Event('playing'));
    cancel();
    await vi.runAllTimersAsync();
    expect(late).not.toHaveBeenCalled();
    cancel(); // twice is harmless
  });
});
