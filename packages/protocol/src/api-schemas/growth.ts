/**
 * A streamer's growth funnel (issue 13, decision 42): who watched, registered, engaged and
 * supported in a range, the conversions between, and what referrals brought.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Id, Ratio, Text } from './builders.js';

/** `?from&to&streamId` of the growth funnel. */
export const GrowthQuery = Closed({
  from: Text({ maxLength: 40, description: 'Start (inclusive), ISO 8601 with a zone' }),
  to: Text({ maxLength: 40, description: 'End (exclusive), ISO 8601 with a zone' }),
  streamId: Type.Optional(Id('Only this stream of the streamer')),
});

const count = (description: string) => Type.Integer({ minimum: 0, description });
const rate = (description: string) => Type.Union([Ratio(description), Type.Null()]);

export const GrowthStageName = Type.Union([
  Type.Literal('viewers'),
  Type.Literal('registered'),
  Type.Literal('engaged'),
  Type.Literal('supporters'),
]);

export const GrowthStage = Closed({
  stage: GrowthStageName,
  count: count('Viewers of the range in this stage and every stage before it (the funnel)'),
  total: count("Viewers of the range meeting this stage's own test, earlier stages or not"),
  conversion: rate("count / the previous stage's count (null for the first, or from 0)"),
});

export const GrowthReferrals = Closed({
  referred: count('Referrals of the scope made in the range that brought a viewer'),
  qualified: count('Of those, the ones qualified (the referee earned its points) before `to`'),
  existing_viewers: count('Viewers of the range not brought by those referrals'),
  viral_coefficient: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'referred / existing_viewers (null when no existing viewer)',
  }),
  referral_conversion: rate('qualified / referred (null when none referred)'),
});

export const GrowthResponse = Closed({
  streamer_id: Id(),
  stream_id: Type.Union([Id(), Type.Null()], { description: 'Null: all its streams' }),
  from: DateTime(),
  to: DateTime(),
  stages: Type.Array(GrowthStage, { minItems: 4, maxItems: 4 }),
  overall_conversion: rate('supporters / viewers'),
  referrals: GrowthReferrals,
});

export type GrowthStage = Static<typeof GrowthStage>;
export type GrowthReferrals = Static<typeof GrowthReferrals>;
export type GrowthResponse = Static<typeof GrowthResponse>;
