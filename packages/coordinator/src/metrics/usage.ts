/**
 * Usage reports: what a viewer loaded over HTTP and from peers, and its stalls, since its
 * previous report, sent as `usage` of a receipt batch (decision 33). Each report is checked
 * against physical bounds and added to its stream's minute in one upsert.
 */
import { sql } from 'kysely';
import {
  MAX_USAGE_BYTES_PER_SECOND,
  MAX_USAGE_SEGMENTS_PER_SECOND,
  type UsageReport,
} from '@streamrp2p/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { minuteOf } from './buckets.js';

/**
 * 400 `INVALID_USAGE` unless every counter is within what `seconds` physically allow: bytes at
 * most `seconds x MAX_USAGE_BYTES_PER_SECOND`, segments `seconds x
 * MAX_USAGE_SEGMENTS_PER_SECOND`, stalls one per second. The schema already bounds the types.
 */
export function checkUsage(usage: UsageReport): void {
  const { seconds } = usage;
  const limits: Array<[keyof UsageReport, number]> = [
    ['httpBytes', seconds * MAX_USAGE_BYTES_PER_SECOND],
    ['p2pBytes', seconds * MAX_USAGE_BYTES_PER_SECOND],
    ['httpSegments', seconds * MAX_USAGE_SEGMENTS_PER_SECOND],
    ['p2pSegments', seconds * MAX_USAGE_SEGMENTS_PER_SECOND],
    ['stalls', seconds],
  ];
  for (const [field, max] of limits) {
    const value = usage[field] ?? 0;
    if (value > max) {
      throw new ApiError(
        'INVALID_USAGE',
        `body.usage.${field} is ${value}, more than ${max} for ${seconds} s`,
      );
    }
  }
}

/**
 * Adds a report to its stream's minute (the minute it arrived): one statement. Concurrent
 * reports of a stream's viewers queue briefly on that minute's row, never on receipts.
 */
export async function recordUsage(
  ctx: Pick<AppContext, 'db'>,
  streamId: string,
  usage: UsageReport,
  now: number,
): Promise<void> {
  await sql`
    insert into stream_metrics_minute as m (stream_id, bucket_start, cdn_bytes, cdn_segments,
      reported_p2p_bytes, reported_p2p_segments, stalls, usage_reports)
    values (${streamId}, ${minuteOf(now)}, ${usage.httpBytes}, ${usage.httpSegments},
      ${usage.p2pBytes}, ${usage.p2pSegments}, ${usage.stalls ?? 0}, 1)
    on conflict (stream_id, bucket_start) do update set
      cdn_bytes = m.cdn_bytes + excluded.cdn_bytes,
      cdn_segments = m.cdn_segments + excluded.cdn_segments,
      reported_p2p_bytes = m.reported_p2p_bytes + excluded.reported_p2p_bytes,
      reported_p2p_segments = m.reported_p2p_segments + excluded.reported_p2p_segments,
      stalls = m.stalls + excluded.stalls,
      usage_reports = m.usage_reports + 1`.execute(ctx.db);
}
