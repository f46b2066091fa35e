/**
 * Whether a trial's pages process each segment at the same moment: P2P hands a new segment to
 * every viewer within milliseconds of the first one's download, while plain hls.js viewers
 * each fetch it when their own playlist refresh shows it. On one machine that lockstep makes
 * one CPU burst of every segment (transmux, append, decode in all pages at once), which a page
 * still starting up has to share (decision 56); on viewers' own machines it costs nothing.
 */
import { median } from './stats.js';

/** One Media Source append: epoch ms and bytes (see `LOG_MEDIA_APPENDS`). */
export type MediaAppend = readonly [at: number, bytes: number];

/** Appends smaller than this are init segments or audio: left out. */
export const MIN_MEDIA_APPEND_BYTES = 16 * 1024;

/**
 * The median, over every page's media appends made once all pages appended something, of the
 * time to the nearest media append of another page, in ms; null with fewer than two pages
 * appending. Tens of ms: the pages move in lockstep; hundreds: each at its own pace.
 */
export function appendGapMs(pages: readonly (readonly MediaAppend[])[]): number | null {
  const media = pages
    .map((appends) =>
      appends.filter(([, bytes]) => bytes >= MIN_MEDIA_APPEND_BYTES).map(([at]) => at),
    )
    .filter((times) => times.length > 0);
  if (media.length < 2) return null;
  const allPlaying = Math.max(...media.map((times) => Math.min(...times)));
  const gaps: number[] = [];
  media.forEach((mine, i) => {
    for (const at of mine) {
      if (at < allPlaying) continue;
      let nearest = Infinity;
      media.forEach((other, j) => {
        if (j === i) return;
        for (const then of other) nearest = Math.min(nearest, Math.abs(then - at));
      });
      gaps.push(nearest);
    }
  });
  return median(gaps);
}
