/**
 * The live stream as pure arithmetic. The fixture loops forever; absolute sequence N plays
 * fixture segment `N mod count` and starts at `floor(N / count) * loop + offset(N mod count)`
 * milliseconds after the stream's epoch. A segment is published once its end time has passed.
 */

/** The fixed shape of a looping stream. Build it with {@link createLiveTimeline}. */
export interface LiveTimeline {
  /** Segment durations of one loop, in milliseconds. */
  readonly durationsMs: readonly number[];
  /** Start offset of each fixture segment within a loop, in milliseconds. */
  readonly offsetsMs: readonly number[];
  /** Length of one loop, in milliseconds. */
  readonly loopMs: number;
}

/** One segment of a live window. */
export interface LiveWindowSegment {
  /** Absolute media sequence number (0 = the first segment ever played). */
  readonly sequence: number;
  /** Index of the fixture segment it plays (`sequence mod count`). */
  readonly fixtureIndex: number;
  readonly durationMs: number;
  /** Start time relative to the stream epoch, in milliseconds. */
  readonly startMs: number;
  /** True for the first segment of every loop after the first: a timestamp discontinuity. */
  readonly discontinuity: boolean;
}

/** The segments a live media playlist lists at one moment. */
export interface LiveWindow {
  /** `#EXT-X-MEDIA-SEQUENCE`: sequence of the first listed segment. */
  readonly mediaSequence: number;
  /**
   * `#EXT-X-DISCONTINUITY-SEQUENCE`: loop boundaries strictly before the first listed segment.
   * A boundary on the first listed segment keeps its `#EXT-X-DISCONTINUITY` tag and is not
   * counted, so the discontinuity number of every segment stays the same as the window slides.
   */
  readonly discontinuitySequence: number;
  readonly segments: readonly LiveWindowSegment[];
}

/** Precomputes loop offsets from the fixture's segment durations. */
export function createLiveTimeline(durationsMs: readonly number[]): LiveTimeline {
  if (durationsMs.length === 0 || durationsMs.some((d) => !(d > 0))) {
    throw new RangeError('a live timeline needs at least one segment of positive duration');
  }
  const offsetsMs: number[] = [];
  let loopMs = 0;
  for (const d of durationsMs) {
    offsetsMs.push(loopMs);
    loopMs += d;
  }
  return { durationsMs, offsetsMs, loopMs };
}

function segmentAt(timeline: LiveTimeline, sequence: number): LiveWindowSegment {
  const count = timeline.durationsMs.length;
  const fixtureIndex = sequence % count;
  const loop = Math.floor(sequence / count);
  return {
    sequence,
    fixtureIndex,
    durationMs: timeline.durationsMs[fixtureIndex] ?? 0,
    startMs: loop * timeline.loopMs + (timeline.offsetsMs[fixtureIndex] ?? 0),
    discontinuity: fixtureIndex === 0 && sequence > 0,
  };
}

/** Start time of `sequence` relative to the epoch, in milliseconds. */
export function segmentStartMs(timeline: LiveTimeline, sequence: number): number {
  return segmentAt(timeline, sequence).startMs;
}

/** End time of segment `sequence`, relative to the epoch: when it is published. */
export function segmentEndMs(timeline: LiveTimeline, sequence: number): number {
  const s = segmentAt(timeline, sequence);
  return s.startMs + s.durationMs;
}

/** How many segments (sequences 0..n-1) have ended `elapsedMs` after the epoch. */
export function publishedCount(timeline: LiveTimeline, elapsedMs: number): number {
  if (!(elapsedMs > 0)) return 0;
  const count = timeline.durationsMs.length;
  const loops = Math.floor(elapsedMs / timeline.loopMs);
  const rest = elapsedMs - loops * timeline.loopMs;
  let done = 0;
  while (done < count && segmentEndMs(timeline, done) <= rest) done += 1;
  return loops * count + done;
}

/** Loop boundaries (sequences k * count, k >= 1) strictly before `sequence`. */
export function discontinuitiesBefore(timeline: LiveTimeline, sequence: number): number {
  return sequence <= 0 ? 0 : Math.ceil(sequence / timeline.durationsMs.length) - 1;
}

/** The last `windowSegments` published segments, `elapsedMs` after the epoch. */
export function liveWindow(
  timeline: LiveTimeline,
  elapsedMs: number,
  windowSegments: number,
): LiveWindow {
  const published = publishedCount(timeline, elapsedMs);
  const first = Math.max(0, published - windowSegments);
  const segments: LiveWindowSegment[] = [];
  for (let seq = first; seq < published; seq += 1) segments.push(segmentAt(timeline, seq));
  return {
    mediaSequence: first,
    discontinuitySequence: discontinuitiesBefore(timeline, first),
    segments,
  };
}

/**
 * Elapsed time after which exactly `windowSegments` segments are published: the epoch is put
 * this far before the origin starts, so its first playlist is already full.
 */
export function fullWindowMs(timeline: LiveTimeline, windowSegments: number): number {
  return segmentEndMs(timeline, windowSegments - 1);
}

/**
 * Whether `sequence` can be served: published, and not older than `retentionWindows` windows
 * behind the first segment of the current window (a CDN would have evicted it).
 */
export function isSequenceAvailable(
  timeline: LiveTimeline,
  sequence: number,
  elapsedMs: number,
  windowSegments: number,
  retentionWindows: number,
): boolean {
  const published = publishedCount(timeline, elapsedMs);
  const oldest = published - windowSegments * (1 + retentionWindows);
  return (
    Number.isSafeInteger(sequence) && sequence >= 0 && sequence < published && sequence >= oldest
  );
}
