/**
 * What a viewer played, from its samples: seconds at each rendition, the average bitrate of what
 * played, level switches, and how far behind the live edge it was. Then the same figures for a
 * trial (median over the viewers that started).
 */
import { median } from './stats.js';
import type { ViewerSample } from './viewer.js';

/** One viewer's playing levels and latency. */
export interface LevelFigures {
  /**
   * Seconds of media played at each rendition (`360p`: 41.0), from the growth of `playedSeconds`
   * between two samples, given to the level read at the end of that second.
   */
  secondsByLevel: Record<string, number>;
  /** The levels' BANDWIDTH weighted by seconds played at each, kbit/s; null before any play. */
  avgBitrateKbps: number | null;
  /** Changes of the playing level (LEVEL_SWITCHED events that named a new level). */
  levelSwitches: number;
  /** Playing levels in order by index into the master playlist, e.g. `0>2>1`. */
  switchSequence: string;
  /** Median of `hls.latency` over the samples taken after startup, seconds. */
  latencySeconds: number | null;
  /** Median of `hls.targetLatency` over the same samples, seconds. */
  targetLatencySeconds: number | null;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function levelFigures(samples: readonly ViewerSample[]): LevelFigures {
  const seconds = new Map<string, number>();
  let weighted = 0;
  let weightedSeconds = 0;
  for (let i = 1; i < samples.length; i += 1) {
    const before = samples[i - 1]!;
    const after = samples[i]!;
    const played = after.playedSeconds - before.playedSeconds;
    const level = after.level ?? before.level;
    const bitrate = after.level !== null ? after.bitrate : before.bitrate;
    if (played <= 0 || level === null) continue;
    seconds.set(level, (seconds.get(level) ?? 0) + played);
    if (bitrate !== null) {
      weighted += bitrate * played;
      weightedSeconds += played;
    }
  }
  const playing = samples.filter((s) => s.startupMs !== null);
  const latencies = playing.map((s) => s.latency).filter((v): v is number => v !== null);
  const targets = playing.map((s) => s.targetLatency).filter((v): v is number => v !== null);
  const sequence = samples.at(-1)?.levelSwitches ?? [];
  return {
    secondsByLevel: Object.fromEntries(
      sortLevels([...seconds.keys()]).map((level) => [level, round1(seconds.get(level)!)]),
    ),
    avgBitrateKbps: weightedSeconds > 0 ? Math.round(weighted / weightedSeconds / 1000) : null,
    levelSwitches: Math.max(0, sequence.length - 1),
    switchSequence: sequence.join('>'),
    latencySeconds: nullableRound(median(latencies)),
    targetLatencySeconds: nullableRound(median(targets)),
  };
}

const nullableRound = (value: number | null) => (value === null ? null : round1(value));

/** `180p`, `360p`, `720p`: by height, labels without a number last. */
export function sortLevels(levels: string[]): string[] {
  const height = (level: string) => Number.parseInt(level, 10);
  return [...levels].sort((a, b) => (height(a) || Infinity) - (height(b) || Infinity));
}

/** The trial's level figures: medians over viewers. */
export interface TrialLevelFigures {
  /** Per rendition, the median over viewers of their seconds there (0 for a viewer never there). */
  secondsByLevel: Record<string, number>;
  avgBitrateKbps: number | null;
  levelSwitches: number | null;
  latencySeconds: number | null;
}

export function trialLevelFigures(viewers: readonly LevelFigures[]): TrialLevelFigures {
  const levels = sortLevels([...new Set(viewers.flatMap((v) => Object.keys(v.secondsByLevel)))]);
  const present = <T>(values: (T | null)[]) => values.filter((v): v is T => v !== null);
  return {
    secondsByLevel: medianByLevel(
      levels,
      viewers.map((v) => v.secondsByLevel),
    ),
    avgBitrateKbps: median(present(viewers.map((v) => v.avgBitrateKbps))),
    levelSwitches: median(viewers.map((v) => v.levelSwitches)),
    latencySeconds: nullableRound(median(present(viewers.map((v) => v.latencySeconds)))),
  };
}

/** Per level, the median of the records' values (a record without the level counts 0). */
export function medianByLevel(
  levels: string[],
  records: readonly Record<string, number>[],
): Record<string, number> {
  return Object.fromEntries(
    levels.map((level) => [level, round1(median(records.map((r) => r[level] ?? 0)) ?? 0)]),
  );
}

/** `240p 3 / 360p 41 s`, or `–` when nothing played. */
export function formatSecondsByLevel(secondsByLevel: Record<string, number>): string {
  const parts = Object.entries(secondsByLevel).map(([level, s]) => `${level} ${Math.round(s)}`);
  return parts.length === 0 ? '–' : `${parts.join(' / ')} s`;
}
