/**
 * What any attacker can learn in public: the stream's indexed segment roots and lengths (the
 * coordinator serves them to every viewer) and the segments themselves (from the origin).
 */
import {
  parseMediaPlaylist,
  type SegmentRoot,
  type SegmentRootsResponse,
} from '@streamrp2p/protocol';
import type { AddressClient } from './net.js';

export interface IndexedSegment extends SegmentRoot {
  rendition: string;
}

/** The live playlist's segments (sequence -> URL) of one rendition. */
export async function liveSegments(playlistUrl: string): Promise<Map<number, string>> {
  const text = await (await fetch(playlistUrl)).text();
  const { segments } = parseMediaPlaylist(text, playlistUrl);
  return new Map(segments.map((s) => [s.sequence, s.url]));
}

/**
 * Every indexed root of `rendition` up to the live edge (at most the last 500), as the public
 * roots endpoint gives them.
 */
export async function indexedSegments(
  api: AddressClient,
  streamId: string,
  rendition: string,
  playlistUrl: string,
): Promise<IndexedSegment[]> {
  const live = [...(await liveSegments(playlistUrl)).keys()];
  const edge = Math.max(0, ...live);
  const query = `rendition=${encodeURIComponent(rendition)}&from=${Math.max(0, edge - 499)}&to=${edge}`;
  const answer = await api.json<SegmentRootsResponse>(
    'GET',
    `/api/streams/${streamId}/roots?${query}`,
  );
  return (answer.body?.roots ?? []).map((root) => ({ ...root, rendition }));
}
