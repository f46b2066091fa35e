/**
 * Usage reports (sent with receipt batches), the per-stream time series and the streamer's
 * supporter analytics (decision 33).
 */
import { Type } from '@sinclair/typebox';
import {
  MAX_USAGE_BYTES_PER_SECOND,
  MAX_USAGE_SECONDS,
  MAX_USAGE_SEGMENTS_PER_SECOND,
} from '../usage-limits.js';
import { Closed, DateTime, Id, Ratio, Text } from './builders.js';

/** Most points (buckets) one time-series answer may hold. */
export const MAX_METRICS_POINTS = 10_000;

const counter = (max: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: max, description });

/**
 * What the viewer loaded since its previous report. Unsigned, like `deliveryMs`: the batch is
 * posted with the session's secret, so it is the receiver's word, checked only against the
 * physical bounds above.
 */
export const UsageReport = Closed(
  {
    seconds: Type.Integer({
      minimum: 1,
      maximum: MAX_USAGE_SECONDS,
      description: 'Seconds the report covers (since the previous one)',
    }),
    httpBytes: counter(
      MAX_USAGE_SECONDS * MAX_USAGE_BYTES_PER_SECOND,
      'Bytes loaded over HTTP (from the CDN)',
    ),
    httpSegments: counter(
      MAX_USAGE_SECONDS * MAX_USAGE_SEGMENTS_PER_SECOND,
      'Segments loaded over HTTP',
    ),
    p2pBytes: counter(MAX_USAGE_SECONDS * MAX_USAGE_BYTES_PER_SECOND, 'Bytes received from peers'),
    p2pSegments: counter(MAX_USAGE_SECONDS * MAX_USAGE_SEGMENTS_PER_SECOND, 'Segments from peers'),
    stalls: Type.Optional(counter(MAX_USAGE_SECONDS, 'Playback stalls the player reported')),
  },
  'Usage since the previous report; bytes at most seconds x 12.5 MB per kind',
);

export const MetricsStep = Type.Union([
  Type.Literal('minute'),
  Type.Literal('hour'),
  Type.Literal('day'),
]);

const range = {
  from: Text({ maxLength: 40, description: 'Start (inclusive), ISO 8601 with a zone' }),
  to: Text({ maxLength: 40, description: 'End (exclusive), ISO 8601 with a zone' }),
};

/** `?from&to&step` of a stream's time series. */
export const MetricsQuery = Closed({ ...range, step: MetricsStep });
/** `?from&to&step&streamId` of the supporter analytics. */
export const SupporterAnalyticsQuery = Closed({
  ...range,
  step: Type.Optional(MetricsStep),
  streamId: Type.Optional(Id('Only this stream of the streamer')),
});

const bytes = (description: string) => Type.Integer({ minimum: 0, description });

export const MetricsPoint = Closed({
  at: DateTime('Start of the bucket (UTC)'),
  p2p_bytes: bytes('Verified P2P bytes (credited receipts)'),
  cdn_bytes: bytes('Bytes viewers loaded over HTTP (usage reports)'),
  viewers: bytes('Distinct live sessions (max over the minutes for hour and day)'),
  supporters: bytes('Distinct credited uploader sessions (max over the minutes)'),
  stalls: bytes('Stalls reported'),
});

export const MetricsResponse = Closed({
  streamId: Id(),
  step: MetricsStep,
  from: DateTime(),
  to: DateTime(),
  points: Type.Array(MetricsPoint, { description: 'Buckets with data, in time order' }),
});

const micros = (description: string) => Type.Integer({ description });

export const TopSupporter = Closed({
  name: Type.String({
    description: 'Its display name, else "Viewer " + 6 hex of its viewer_key (decision 46)',
  }),
  viewer_key: Type.String({
    description: 'Stable pseudonym: 16 hex of HMAC-SHA-256(pseudonym salt, viewer id)',
  }),
  data_served: bytes('Verified bytes served in the range'),
  uptime: bytes('Seconds its uploader sessions were live in the range'),
  loyalty_points: Type.Integer({ description: 'Point balance' }),
});

export const PeriodSummary = Closed({
  id: Type.String(),
  stream_id: Id(),
  starts_at: DateTime(),
  ends_at: DateTime(),
  revenue: micros('Revenue, micro-units'),
  platform_fee: micros('Platform fee, micro-units'),
  supporter_pool: micros('Paid to supporters, micro-units'),
  streamer_share: micros('Streamer share, micro-units'),
  cdn_saved: micros('CDN cost saved, micro-units'),
  supporters: Type.Integer({ minimum: 0 }),
});

export const PayoutSummary = Closed({
  id: Type.String(),
  amount: micros('Micro-units'),
  currency: Type.String(),
  status: Type.String(),
  provider: Type.String(),
  created_at: DateTime(),
});

export const SupporterAnalyticsResponse = Closed({
  streamer_id: Id(),
  from: DateTime(),
  to: DateTime(),
  currency: Type.String(),
  current_supporters: bytes('Distinct viewers with a live, credited uploader session now'),
  total_bandwidth_saved: bytes('Verified P2P bytes in the range'),
  estimated_cost_savings: micros('total_bandwidth_saved x cdnCostMicrosPerGb / 1e9, floored'),
  p2p_vs_cdn_ratio: Type.Union([Ratio('p2p / (p2p + cdn)'), Type.Null()]),
  top_supporters: Type.Array(TopSupporter, { maxItems: 10 }),
  time_series: Type.Array(MetricsPoint),
  periods: Type.Array(PeriodSummary),
  payouts: Type.Array(PayoutSummary),
});
