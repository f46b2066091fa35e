/**
 * Schemas of the community's social proof, goals and squads (issue 13, decision 41): the events
 * the player's feed shows, a streamer's savings goals, its support squad. No shape here carries a
 * viewer id or address of anyone but the caller; names are viewers' display names.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Id, Ratio, Text } from './builders.js';

const Nullable = <T extends ReturnType<typeof DateTime>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** What an event is about. */
export const CommunityEventKind = Type.Union([
  Type.Literal('supporter_joined'),
  Type.Literal('data_milestone'),
  Type.Literal('goal_progress'),
  Type.Literal('goal_reached'),
  Type.Literal('squad_joined'),
]);

/** One event of a stream's community, as the bus carries it and the feed shows it. */
export const CommunityEventResponse = Closed({
  id: Type.String(),
  kind: CommunityEventKind,
  streamId: Type.String(),
  streamerId: Type.String(),
  text: Type.String({ description: 'Rendered for viewers: display names at most, never ids' }),
  at: DateTime(),
  data: Type.Record(
    Type.String(),
    Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
  ),
});

/** Where a goal stands: `expired` = its deadline passed unreached, `ended` = the streamer ended it. */
export const CommunityGoalStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('reached'),
  Type.Literal('expired'),
  Type.Literal('ended'),
]);

/** A community savings goal and its progress. */
export const CommunityGoalResponse = Closed({
  goalId: Type.String(),
  streamerId: Type.String(),
  streamId: Type.Union([Type.String(), Type.Null()], {
    description: 'The stream it counts, or null for all of the streamer',
  }),
  title: Type.String(),
  status: CommunityGoalStatus,
  currency: Type.String(),
  targetMicros: Type.Integer({ minimum: 1 }),
  progressMicros: Type.Integer({
    minimum: 0,
    description: 'CDN cost saved since startsAt: payable verified P2P bytes x CDN cost per GB',
  }),
  progressBytes: Type.Integer({ minimum: 0 }),
  startsAt: DateTime(),
  deadline: Nullable(DateTime()),
  reachedAt: Nullable(DateTime()),
  endedAt: Nullable(DateTime()),
  computedAt: Nullable(DateTime('When the community job last counted the progress')),
});

/** `GET /api/streamers/:streamerId/goals` (the streamer's own). */
export const CommunityGoalsResponse = Closed({ goals: Type.Array(CommunityGoalResponse) });

const IsoTime = (description: string) => Text({ maxLength: 64, description });

/** `POST /api/streamers/:streamerId/goals`. */
export const CreateGoalRequest = Closed({
  title: Text({ maxLength: 120 }),
  targetMicros: Type.Integer({
    minimum: 1,
    maximum: 1e15,
    description: 'Savings to reach, micro-units of the deployment currency',
  }),
  streamId: Type.Optional(Id('One of the streamer’s streams; absent = all of them')),
  deadline: Type.Optional(IsoTime('ISO 8601 date-time with a zone, in the future')),
});

/** `PATCH /api/streamers/:streamerId/goals/:goalId`: at least one field; `deadline: null` clears it. */
export const UpdateGoalRequest = Type.Object(
  {
    title: Type.Optional(Text({ maxLength: 120 })),
    targetMicros: Type.Optional(Type.Integer({ minimum: 1, maximum: 1e15 })),
    deadline: Type.Optional(
      Type.Union([IsoTime('ISO 8601 date-time with a zone, in the future'), Type.Null()]),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const GoalPath = Type.Object({ streamerId: Id(), goalId: Id() });
export const SquadMemberPath = Type.Object({ viewerId: Id(), streamerId: Id() });

/** `POST /api/viewers/:viewerId/squads/:streamerId`: the stream the viewer joins from. */
export const JoinSquadRequest = Closed({ streamId: Id('A stream of the streamer') });

/** A viewer's membership of a squad. */
export const SquadMembershipResponse = Closed({
  streamerId: Type.String(),
  viewerId: Type.String(),
  member: Type.Boolean(),
  joinedAt: Nullable(DateTime()),
});

/** `GET /api/streamers/:streamerId/squad` (public): the squad's collective figures. */
export const SquadStatsResponse = Closed({
  streamerId: Type.String(),
  members: Type.Integer({ minimum: 0 }),
  dataServedBytes: Type.Integer({
    minimum: 0,
    description:
      "Members' payable verified P2P bytes served in the streamer's streams (as the viewer credit route: frozen and below-threshold excluded)",
  }),
  savingsMicros: Type.Integer({ minimum: 0, description: 'dataServedBytes x CDN cost per GB' }),
  currency: Type.String(),
  averageUptime: Ratio("The members' mean reputation uptime part (live time / 2 h, at most 1)"),
  points: Type.Integer({
    minimum: 0,
    description: "Points members earned in the streamer's streams",
  }),
});

/** One "someone joined" notification (at most one per viewer, squad and UTC day). */
export const SquadNotification = Closed({
  id: Type.String(),
  streamId: Type.String(),
  text: Type.String(),
  at: DateTime(),
});

export const SquadNotificationsResponse = Closed({
  notifications: Type.Array(SquadNotification),
});

/** `GET /api/streams/:streamId/community` (public, cacheable): what the player's feed shows. */
export const StreamCommunityResponse = Closed({
  streamId: Type.String(),
  streamerId: Type.String(),
  currency: Type.String(),
  goals: Type.Array(CommunityGoalResponse),
  events: Type.Array(CommunityEventResponse),
  squad: Closed({ members: Type.Integer({ minimum: 0 }) }),
});

export type CommunityEventResponse = Static<typeof CommunityEventResponse>;
export type CommunityGoalResponse = Static<typeof CommunityGoalResponse>;
export type CommunityGoalsResponse = Static<typeof CommunityGoalsResponse>;
export type CreateGoalRequest = Static<typeof CreateGoalRequest>;
export type UpdateGoalRequest = Static<typeof UpdateGoalRequest>;
export type JoinSquadRequest = Static<typeof JoinSquadRequest>;
export type SquadMembershipResponse = Static<typeof SquadMembershipResponse>;
export type SquadStatsResponse = Static<typeof SquadStatsResponse>;
export type SquadNotification = Static<typeof SquadNotification>;
export type SquadNotificationsResponse = Static<typeof SquadNotificationsResponse>;
export type StreamCommunityResponse = Static<typeof StreamCommunityResponse>;
