/**
 * Schemas of referrals and share links (issue 13, decision 43): a viewer's and a streamer's
 * referral code, and what each code brought. A share link is the page's URL with `?ref=CODE`;
 * the player sends the code when it creates its session, the studio's sign-up when a streamer
 * signs up.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  REFERRAL_CODE_INPUT_PATTERN,
  REFERRAL_CODE_PATTERN,
  REFERRAL_QUERY_PARAM,
} from '../referral-codes.js';
import { Closed, DateTime } from './builders.js';

export { REFERRAL_CODE_INPUT_PATTERN, REFERRAL_CODE_PATTERN, REFERRAL_QUERY_PARAM };

/** A referral code in a request body; unknown codes are ignored, malformed ones refused. */
export const ReferralCodeInput = (description: string) =>
  Type.String({ pattern: REFERRAL_CODE_INPUT_PATTERN, description });

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Nullable = <T extends ReturnType<typeof Str>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ReferralKind = Type.Union([
  Type.Literal('share'),
  Type.Literal('viewer'),
  Type.Literal('supporter'),
  Type.Literal('streamer'),
]);

export const ReferralRewardKind = Type.Union([
  Type.Literal('share_points'),
  Type.Literal('referrer_points'),
  Type.Literal('referee_points'),
  Type.Literal('referrer_boost'),
  Type.Literal('referee_boost'),
  Type.Literal('streamer_revenue'),
]);

/** One reward a referral paid the asking viewer. */
export const ReferralReward = Closed({
  kind: ReferralRewardKind,
  points: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  amountMicros: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  boostUntil: Nullable(DateTime('End of a 10% earnings boost')),
  createdAt: DateTime(),
});

/** One referral of a viewer, as referrer or referee; never the other party's id. */
export const ViewerReferral = Closed({
  kind: ReferralKind,
  role: Type.Union([Type.Literal('referrer'), Type.Literal('referee')]),
  status: Type.Union([Type.Literal('pending'), Type.Literal('qualified'), Type.Literal('refused')]),
  streamId: Nullable(Str('The stream a share brought its viewer to')),
  refusal: Nullable(Str('Why it never pays: self_referral, same_network, own_stream, ...')),
  createdAt: DateTime(),
  qualifiedAt: Nullable(DateTime()),
  rewards: Type.Array(ReferralReward, { description: 'What it paid this viewer' }),
});

/** `GET /api/viewers/:viewerId/referrals` (a session secret of the viewer). */
export const ViewerReferralsResponse = Closed({
  viewerId: Str(),
  code: Str('The viewer\'s stable referral code; share links carry it as "?ref=CODE"'),
  queryParam: Str('The share link parameter, "ref"'),
  referrals: Type.Array(ViewerReferral, { description: 'Newest first, at most 200' }),
});

export const ReferredStreamer = Closed({
  streamerId: Str(),
  name: Str(),
  createdAt: DateTime(),
});

/** `GET /api/streamers/:streamerId/referrals` (the streamer's API key or studio session). */
export const StreamerReferralsResponse = Closed({
  streamerId: Str(),
  code: Str("The streamer's referral code, for studio sign-up links"),
  referredStreamers: Type.Array(ReferredStreamer, {
    description: 'Streamers that signed up with this code, newest first, at most 200',
  }),
  referredBy: Closed(
    {
      kind: Type.Union([Type.Literal('viewer'), Type.Literal('streamer'), Type.Literal('none')]),
      revenueShareMicros: Type.Integer({
        minimum: 0,
        description: "What the referring viewer was paid of this streamer's revenue so far",
      }),
    },
    'Whose code this streamer signed up with',
  ),
});

export type ReferralKind = Static<typeof ReferralKind>;
export type ReferralRewardKind = Static<typeof ReferralRewardKind>;
export type ViewerReferral = Static<typeof ViewerReferral>;
export type ViewerReferralsResponse = Static<typeof ViewerReferralsResponse>;
export type StreamerReferralsResponse = Static<typeof StreamerReferralsResponse>;
