/**
 * Leaderboards (issue 13, decision 42): a stream's or a streamer's supporters ranked by data
 * served, uptime or points over a day, a week or all time. Public: names only, never viewer ids.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Id } from './builders.js';

/** Most entries one answer lists. */
export const MAX_LEADERBOARD_ENTRIES = 100;
/** Entries listed when `limit` is not given. */
export const DEFAULT_LEADERBOARD_ENTRIES = 10;

export const LeaderboardWindow = Type.Union(
  [Type.Literal('day'), Type.Literal('week'), Type.Literal('all')],
  { description: 'day: since 00:00 UTC; week: since Monday 00:00 UTC; all: all time' },
);
export const LeaderboardMetric = Type.Union(
  [Type.Literal('data_served'), Type.Literal('uptime'), Type.Literal('points')],
  {
    description:
      'data_served: payable bytes; uptime: seconds supporter sessions were live; points: points earned',
  },
);

/** `?window&metric&limit&viewerId` of both leaderboards. */
export const LeaderboardQuery = Closed({
  window: Type.Optional(LeaderboardWindow),
  metric: Type.Optional(LeaderboardMetric),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_LEADERBOARD_ENTRIES,
      description: `Entries listed (default ${DEFAULT_LEADERBOARD_ENTRIES})`,
    }),
  ),
  viewerId: Type.Optional(
    Id('Say which entry is this viewer (needs a session secret of it as the bearer token)'),
  ),
});

export const LeaderboardEntry = Closed({
  rank: Type.Integer({ minimum: 1, description: 'Equal values share a rank (1, 2, 2, 4)' }),
  name: Type.String({
    description: 'The viewer account display name, else a stable pseudonym ("Viewer 3f2a9c")',
  }),
  value: Type.Integer({ minimum: 0, description: 'Bytes, seconds or points, as `unit` says' }),
  you: Type.Boolean({ description: 'The viewer named by `viewerId`' }),
});

export const LeaderboardYou = Closed({
  name: Type.String(),
  rank: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: `Null when not in the first ${MAX_LEADERBOARD_ENTRIES}`,
  }),
  value: Type.Integer({ minimum: 0 }),
});

export const LeaderboardResponse = Closed({
  scope: Type.Union([Type.Literal('stream'), Type.Literal('streamer')]),
  id: Id('The stream or streamer'),
  window: LeaderboardWindow,
  metric: LeaderboardMetric,
  unit: Type.Union([Type.Literal('bytes'), Type.Literal('seconds'), Type.Literal('points')]),
  from: DateTime('Start of the window (inclusive)'),
  to: DateTime('End of the window (exclusive): now, as of the cached answer'),
  entries: Type.Array(LeaderboardEntry, { maxItems: MAX_LEADERBOARD_ENTRIES }),
  you: Type.Optional(LeaderboardYou),
});

export type LeaderboardWindow = Static<typeof LeaderboardWindow>;
export type LeaderboardMetric = Static<typeof LeaderboardMetric>;
export type LeaderboardEntry = Static<typeof LeaderboardEntry>;
export type LeaderboardResponse = Static<typeof LeaderboardResponse>;
