/**
 * Request schemas of the coordinator's HTTP API: bodies, query strings and path parameters.
 * The coordinator validates with them, `coordinator-api.ts` derives the TypeScript types from
 * them and the OpenAPI document lists them as they are.
 */
import { Type } from '@sinclair/typebox';
import { MAX_TICKET_LENGTH, MAX_TICKETS_PER_BATCH } from '../meeting-ticket.js';
import { Closed, Hex32, Id, Text, U32 } from './builders.js';
import { UsageReport } from './analytics.js';
import { ReferralCodeInput } from './referrals.js';

/** Most milliseconds a receipt's `deliveryMs` may say (10 minutes). */
export const MAX_DELIVERY_MS = 600_000;

/** Most receipts in one `POST /api/receipts`. */
export const MAX_RECEIPTS_PER_BATCH = 500;
/** Most sibling hashes in a challenge answer (a tree of 2^32 leaves). */
export const MAX_PROOF_SIBLINGS = 32;
/** A watch_time heartbeat claims at most this many seconds. */
export const MAX_HEARTBEAT_SECONDS = 3600;

export const CreateStreamerRequest = Closed({ name: Text({ maxLength: 200 }) });

export const CreateStreamRequest = Closed({
  hlsUrl: Text({ description: 'Master or media playlist, an absolute http(s) URL' }),
  title: Type.Optional(Text({ minLength: 0, maxLength: 200 })),
});

export const UpdateStreamRequest = Closed({
  hlsUrl: Type.Optional(Text({ description: 'An absolute http(s) URL' })),
  title: Type.Optional(Text({ minLength: 0, maxLength: 200 })),
});

export const CreateSessionRequest = Closed({
  streamId: Id(),
  viewerId: Type.Optional(
    Id("The viewer's id (an account or a stored anonymous UUID); a new UUID when absent"),
  ),
  viewerSecret: Type.Optional(
    Text({
      maxLength: 128,
      description:
        'The viewerSecret the coordinator answered when it created this viewer: it proves the ' +
        'session is the viewer (viewerVerified), which statements and payout settings require',
    }),
  ),
  publicKey: Text({
    maxLength: 200,
    description: 'ECDSA P-256 public key, raw uncompressed point (65 bytes), base64url',
  }),
  referralCode: Type.Optional(
    ReferralCodeInput(
      'The code of the share link the page was opened with (?ref=CODE): a viewer id first seen ' +
        "with it is that code owner's referral (decision 43); an unknown code is ignored",
    ),
  ),
});

export const ReceiptBody = Closed(
  {
    uploaderPeerId: Id(),
    streamId: Id(),
    rendition: Id(),
    sequence: U32(),
    root: Hex32('Merkle root, lowercase hex'),
    byteLength: U32(),
    timestamp: Type.Number({ minimum: 0, description: 'Unix milliseconds' }),
    deliveryMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_DELIVERY_MS,
        description:
          'Request to last byte of the transfer, ms, as the receiver measured it. Not in the ' +
          'signed encoding: the receiver posts the batch with its session secret, so it is its word',
      }),
    ),
  },
  "A receipt as posted: the receiver is the request's sessionId; no signature of its own",
);

export const PostReceiptsRequest = Closed({
  sessionId: Id("The receiver's session id: the receiverSessionId of the batch"),
  receipts: Type.Array(ReceiptBody, { maxItems: MAX_RECEIPTS_PER_BATCH }),
  signature: Type.String({
    description:
      "The receiver's one signature for the batch: ECDSA P-256/SHA-256 over " +
      'encodeReceiptBatch({ receiverSessionId: sessionId, receipts }), IEEE P1363 (64 bytes), ' +
      'base64url without padding',
  }),
  tickets: Type.Optional(
    Type.Array(
      Type.String({
        minLength: 1,
        maxLength: MAX_TICKET_LENGTH,
        description: 'A meeting ticket from the tracker (decision 22), opaque',
      }),
      {
        maxItems: MAX_TICKETS_PER_BATCH,
        description:
          "Meeting tickets covering the batch's uploaders: without one naming this session's " +
          "and the uploader's peer ids in the receipt's swarm, a receipt is rejected NO_TICKET",
      },
    ),
  ),
  usage: Type.Optional(UsageReport),
});

export const ChallengeAnswerRequest = Closed({
  leafHash: Hex32('SHA-256(0x00 || chunk), hex'),
  siblings: Type.Array(Hex32(), {
    maxItems: MAX_PROOF_SIBLINGS,
    description: 'Sibling hashes from the leaf level up (see merkleProof)',
  }),
});

export const PointsAction = Type.Union([
  Type.Literal('watch_time'),
  Type.Literal('chat_message'),
  Type.Literal('follow_streamer'),
  Type.Literal('share_stream'),
]);

/** The product's contract, snake_case as specified. */
export const PointsRequest = Closed({
  viewer_id: Id(),
  stream_id: Id(),
  action: PointsAction,
  duration_seconds: Type.Optional(
    Type.Number({
      minimum: 0,
      maximum: MAX_HEARTBEAT_SECONDS,
      description: 'watch_time only (required there): seconds since the last heartbeat',
    }),
  ),
  timestamp: Type.Union([Text({ maxLength: 64 }), Type.Number({ minimum: 0 })], {
    description: 'an ISO time or Unix milliseconds',
  }),
});

export const HoldStatus = Type.Union([
  Type.Literal('held'),
  Type.Literal('released'),
  Type.Literal('voided'),
]);

/** `?rendition=&from=&to=` of the roots endpoint (numbers arrive as text). */
export const RootsQuery = Closed({ rendition: Id(), from: U32(), to: U32() });
/** `?status=` of the holds list. */
export const HoldsQuery = Closed({ status: Type.Optional(HoldStatus) });

export const StreamPath = Type.Object({ streamId: Id() });
export const SessionPath = Type.Object({ sessionId: Id() });
export const ChallengePath = Type.Object({ sessionId: Id(), challengeId: Id() });
export const ViewerPath = Type.Object({ viewerId: Id() });
export const HoldPath = Type.Object({ holdId: Id() });
