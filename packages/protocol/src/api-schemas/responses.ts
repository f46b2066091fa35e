/**
 * Response schemas of the coordinator's HTTP API: the SDK's types and the OpenAPI document come
 * from them. The coordinator does not validate its own responses; the types keep them in shape.
 */
import { Type } from '@sinclair/typebox';
import { Closed, DateTime, Ratio } from './builders.js';
import { HoldStatus } from './requests.js';

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Int = (description?: string) =>
  Type.Integer(description === undefined ? {} : { description });

/** Every error response body. */
export const ApiErrorBody = Closed({
  error: Closed({ code: Str('Error code (see README)'), message: Str() }),
});

export const CreateStreamerResponse = Closed({
  streamerId: Str(),
  name: Str(),
  apiKey: Str('Shown once (only its hash is stored); send as Bearer'),
});

export const StreamResponse = Closed({
  streamId: Str(),
  streamerId: Str(),
  hlsUrl: Str(),
  title: Str(),
  renditions: Type.Array(Str(), { description: 'Renditions found by the indexer so far' }),
  createdAt: DateTime(),
  embedSnippet: Type.Optional(Str('A ready-to-paste <div> + <script> snippet. Owner only')),
});

/** One indexed segment: the trust anchor for integrity and rewards. */
export const SegmentRoot = Closed({
  sequence: Int(),
  root: Str('Merkle root, hex'),
  byteLength: Int(),
});
export const SegmentRootsResponse = Closed({
  streamId: Str(),
  rendition: Str(),
  roots: Type.Array(SegmentRoot),
});

export const SessionResponse = Closed({
  sessionId: Str(),
  peerId: Str('Server-assigned peer id the tracker token carries'),
  viewerId: Str(),
  sessionSecret: Str("Bearer secret for the session's own endpoints"),
  trackerToken: Str(),
  trackerTokenExpiresAt: Int('Unix seconds'),
  viewerVerified: Type.Boolean({
    description:
      'Whether this session proved it is the viewer (a new viewer, or the right viewerSecret): ' +
      'only such sessions read statements and set payout accounts; any session earns credit',
  }),
  viewerSecret: Type.Optional(
    Str('Only when the coordinator created the viewer: keep it with the viewer id, shown once'),
  ),
});

export const TrackerTokenResponse = Closed({
  trackerToken: Str(),
  trackerTokenExpiresAt: Int('Unix seconds'),
});

export const SessionSummaryResponse = Closed({
  sessionId: Str(),
  streamId: Str(),
  viewerId: Str(),
  peerId: Str(),
  createdAt: DateTime(),
  lastSeenAt: DateTime(),
  live: Type.Boolean(),
  creditedBytes: Int('Verified bytes this session served to others'),
  challengesPassed: Int(),
  challengesFailed: Int(),
  watchSeconds: Int('Watch time accepted for points'),
  reputation: Ratio("0..1, its viewer's"),
});

export const ReceiptOutcome = Type.Union([
  Closed({ index: Int(), status: Type.Literal('credited') }),
  Closed({ index: Int(), status: Type.Literal('duplicate') }),
  Closed({ index: Int(), status: Type.Literal('rejected'), code: Str(), message: Str() }),
]);
export const PostReceiptsResponse = Closed({
  credited: Int(),
  duplicates: Int(),
  rejected: Int(),
  results: Type.Array(ReceiptOutcome),
});

/** A proof-of-useful-work challenge for a segment the supporter served. */
export const Challenge = Closed({
  challengeId: Str(),
  streamId: Str(),
  rendition: Str(),
  sequence: Int(),
  leafIndex: Int('Which 16 KiB leaf to prove'),
  expiresAt: DateTime('After which answers fail'),
});
export const ChallengesResponse = Closed({ challenges: Type.Array(Challenge) });
export const ChallengeAnswerResponse = Closed({
  challengeId: Str(),
  passed: Type.Boolean(),
  reason: Type.Optional(Str('Why it failed: WRONG_PROOF, EXPIRED, ALREADY_ANSWERED')),
});

export const PointsStatus = Type.Union(
  [Type.Literal('none'), Type.Literal('account_prompt'), Type.Literal('vip')],
  { description: 'none, account_prompt (>= 100 points) or vip (>= 1000)' },
);
export const PointsResponse = Closed({
  viewer_id: Str(),
  awarded: Int(),
  balance: Int(),
  multiplier: Int('5 when the viewer is a supporter, else 1'),
  status: PointsStatus,
});
export const PointsBalanceResponse = Closed({
  viewer_id: Str(),
  balance: Int(),
  status: PointsStatus,
  credited_bytes: Int('Verified bytes this viewer has served to others, all time'),
});

export const Health = Closed({ status: Type.Literal('ok') });

/** The parts of a reputation, each 0..1 (decisions 25 and 30 give the formula). */
export const ReputationParts = Closed({
  uptime: Ratio('Time live in swarms, full at 2 h'),
  latency: Ratio('Median delivery time of recent receipts: 1 at 500 ms or less, 0 at 5 s'),
  success: Ratio('Passed challenges and verified deliveries against failures'),
  diversity: Ratio('Receivers on distinct networks, full at 5'),
  age: Ratio('Maturity: time since the first session, full at 2 h; multiplies the rest'),
});
export const ViewerCreditResponse = Closed({
  viewerId: Str(),
  creditedBytes: Int('All verified credit'),
  payableBytes: Int('Payable now: reputation at or above the threshold, not frozen'),
  frozenBytes: Int('Held for review or voided'),
  pendingReviewBytes: Int('The held part of frozenBytes'),
  reputation: Ratio('0..1'),
  reputationParts: ReputationParts,
});

/** Why a group was held: one flag of the collusion job. */
export const HoldReason = Closed({
  code: Str('RECIPROCAL, NO_PLAYBACK, SAME_NETWORK, SESSION_BURST, SHARED_KEY, SHARED_TIMING'),
  message: Str(),
});
export const HoldResponse = Closed({
  holdId: Str(),
  streamId: Str(),
  status: HoldStatus,
  score: Int("The flags' total weight (a group is held from 3)"),
  reasons: Type.Array(HoldReason),
  sessions: Type.Array(Closed({ sessionId: Str(), viewerId: Str() })),
  creditedBytes: Int(),
  createdAt: DateTime(),
  decidedAt: Type.Union([DateTime(), Type.Null()]),
});
export const HoldsResponse = Closed({ holds: Type.Array(HoldResponse) });
