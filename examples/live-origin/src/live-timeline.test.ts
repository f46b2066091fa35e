import { describe, expect, it } from 'vitest';
import {
  createLiveTimeline,
  discontinuitiesBefore,
  fullWindowMs,
  isSequenceAvailable,
  liveWindow,
  publishedCount,
  segmentStartMs,
} from './live-timeline.js';

// The committed fixture's shape: 20 segments of 2 s.
const timeline = createLiveTimeline(Array.from({ length: 20 }, () => 2000));
const sequences = (elapsed: number, size = 6): number[] =>
  liveWindow(timeline, elapsed, size).segments.map((s) => s.sequence);

describe('live timeline', () => {
  it('is full at the start: the epoch is one window before the origin starts', () => {
    expect(fullWindowMs(timeline, 6)).toBe(12_000);
    expect(sequences(12_000)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(liveWindow(timeline, 12_000, 6).mediaSequence).toBe(0);
  });

  it('lists only segments whose end time has passed', () => {
    expect(sequences(13_999)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sequences(14_000)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(publishedCount(timeline, 1999)).toBe(0);
    expect(publishedCount(timeline, 2000)).toBe(1);
    expect(publishedCount(timeline, -5)).toBe(0);
    expect(sequences(3000)).toEqual([0]);
    for (const s of liveWindow(timeline, 123_456, 6).segments) {
      expect(s.startMs + s.durationMs).toBeLessThanOrEqual(123_456);
    }
  });

  it('advances one sequence per segment duration and keeps increasing across loops', () => {
    let previous = -1;
    for (let elapsed = 12_000; elapsed < 200_000; elapsed += 2000) {
      const { mediaSequence, segments } = liveWindow(timeline, elapsed, 6);
      expect(mediaSequence).toBe(previous + 1);
      expect(segments.map((s) => s.sequence)).toEqual(
        Array.from({ length: 6 }, (_, i) => mediaSequence + i),
      );
      previous = mediaSequence;
    }
    expect(previous).toBe(93); // last elapsed 198 s: 99 published, window 93..98
  });

  it('maps sequence N to fixture segment N mod count, with loop-long time offsets', () => {
    const window = liveWindow(timeline, 50_000, 6);
    expect(window.segments.map((s) => s.fixtureIndex)).toEqual([19, 0, 1, 2, 3, 4]);
    expect(window.segments.map((s) => s.sequence)).toEqual([19, 20, 21, 22, 23, 24]);
    expect(segmentStartMs(timeline, 20)).toBe(40_000);
    expect(segmentStartMs(timeline, 45)).toBe(90_000);
  });

  it('marks the first segment of every loop after the first as a discontinuity', () => {
    const flagged = (elapsed: number): number[] =>
      liveWindow(timeline, elapsed, 6)
        .segments.filter((s) => s.discontinuity)
        .map((s) => s.sequence);
    expect(flagged(12_000)).toEqual([]); // sequence 0 starts the stream, no boundary
    expect(flagged(44_000)).toEqual([20]); // window 16..21
    expect(flagged(84_000)).toEqual([40]); // window 36..41
    expect(flagged(400_000)).toEqual([]); // window 194..199
    expect(flagged(402_000)).toEqual([200]);
  });

  it('counts the boundaries before the first listed segment in the discontinuity sequence', () => {
    const at = (elapsed: number) => liveWindow(timeline, elapsed, 6);
    expect(at(44_000).discontinuitySequence).toBe(0); // 16..21, boundary 20 is listed
    expect(at(52_000).mediaSequence).toBe(20);
    expect(at(52_000).discontinuitySequence).toBe(0); // boundary 20 is the first, still tagged
    expect(at(52_000).segments[0]?.discontinuity).toBe(true);
    expect(at(54_000).discontinuitySequence).toBe(1); // 21..26: boundary 20 slid out
    expect(at(94_000).discontinuitySequence).toBe(2); // 41..46
    expect(discontinuitiesBefore(timeline, 0)).toBe(0);
    expect(discontinuitiesBefore(timeline, 20)).toBe(0);
    expect(discontinuitiesBefore(timeline, 21)).toBe(1);
    expect(discontinuitiesBefore(timeline, 41)).toBe(2);
  });

  it('keeps every segment discontinuity number stable as the window slides', () => {
    const numbers = new Map<number, number>();
    for (let elapsed = 12_000; elapsed < 300_000; elapsed += 1000) {
      const window = liveWindow(timeline, elapsed, 6);
      let cc = window.discontinuitySequence;
      for (const s of window.segments) {
        if (s.discontinuity) cc += 1;
        expect(numbers.get(s.sequence) ?? cc).toBe(cc);
        numbers.set(s.sequence, cc);
        expect(cc).toBe(Math.floor(s.sequence / 20));
      }
    }
  });

  it('handles segments of different durations', () => {
    const uneven = createLiveTimeline([1000, 3000, 2000]);
    expect(uneven.loopMs).toBe(6000);
    expect(publishedCount(uneven, 3999)).toBe(1);
    expect(publishedCount(uneven, 4000)).toBe(2);
    expect(publishedCount(uneven, 7000)).toBe(4);
    expect(segmentStartMs(uneven, 5)).toBe(10_000);
    expect(fullWindowMs(uneven, 4)).toBe(7000);
  });

  it('serves published segments up to the retention limit', () => {
    const elapsed = 100_000; // 50 published: window 44..49
    expect(isSequenceAvailable(timeline, 49, elapsed, 6, 3)).toBe(true);
    expect(isSequenceAvailable(timeline, 50, elapsed, 6, 3)).toBe(false);
    expect(isSequenceAvailable(timeline, 26, elapsed, 6, 3)).toBe(true); // 44 - 3 * 6
    expect(isSequenceAvailable(timeline, 25, elapsed, 6, 3)).toBe(false);
    expect(isSequenceAvailable(timeline, -1, elapsed, 6, 3)).toBe(false);
  });

  it('rejects an empty timeline', () => {
    expect(() => createLiveTimeline([])).toThrow(RangeError);
    expect(() => createLiveTimeline([2000, 0])).toThrow(RangeError);
  });
});
