/**
 * The coordinator's HTTP API as the SDK and tools see it: request and response bodies, as types
 * derived from the one schema per shape in `@streamrp2p/protocol/api-schemas` (decision 29), from
 * which the coordinator validates and writes its OpenAPI document (`/api/openapi.json`).
 * Byte strings travel as lowercase hex (roots, hashes) or base64url (keys, signatures).
 * Errors are always `{ error: { code, message } }` with an HTTP status.
 *
 * Only types come from the schemas here: the main entry adds no code to a bundle.
 */
import type { Static } from '@sinclair/typebox';
import type * as S from './api-schemas/index.js';

/** Every error response body. */
export type ApiErrorBody = Static<typeof S.ApiErrorBody>;

/** `POST /api/streamers` — create a streamer account. */
export type CreateStreamerRequest = Static<typeof S.CreateStreamerRequest>;
/** The API key is shown once; only its hash is stored. */
export type CreateStreamerResponse = Static<typeof S.CreateStreamerResponse>;

/** `POST /api/streams` (Authorization: Bearer apiKey) — register an HLS stream. */
export type CreateStreamRequest = Static<typeof S.CreateStreamRequest>;
/** `PATCH /api/streams/:streamId` (owner's apiKey) — change title or hlsUrl. */
export type UpdateStreamRequest = Static<typeof S.UpdateStreamRequest>;
export type StreamResponse = Static<typeof S.StreamResponse>;

/** One indexed segment: the trust anchor for integrity and rewards. */
export type SegmentRoot = Static<typeof S.SegmentRoot>;
/** `GET /api/streams/:streamId/roots?rendition=&from=&to=` (inclusive range, at most 500). */
export type SegmentRootsResponse = Static<typeof S.SegmentRootsResponse>;

/** `POST /api/sessions` — a viewer starts watching. */
export type CreateSessionRequest = Static<typeof S.CreateSessionRequest>;
export type SessionResponse = Static<typeof S.SessionResponse>;

/** `GET /api/sessions/:sessionId` (Bearer sessionSecret) — the session's own view of its standing. */
export type SessionSummaryResponse = Static<typeof S.SessionSummaryResponse>;

/** `POST /api/sessions/:sessionId/token` (Bearer sessionSecret) — a fresh tracker token. */
export type TrackerTokenResponse = Static<typeof S.TrackerTokenResponse>;

/**
 * A receipt as posted: the `Receipt` fields except the receiver, which is the request's
 * `sessionId`. It carries no signature of its own: the request's `signature` covers the batch.
 */
export type ReceiptBody = Static<typeof S.ReceiptBody>;
/**
 * `POST /api/receipts` (Bearer sessionSecret of the receiver). At most 500 receipts, signed once
 * as a batch over `encodeReceiptBatch({ receiverSessionId: sessionId, receipts })` (IEEE P1363,
 * base64url). A request whose `signature` does not verify is refused whole (400
 * `BAD_SIGNATURE`), as is one holding a malformed receipt (400 `INVALID_RECEIPT`); a request
 * without `signature` (receipts signed one by one, the old shape) gets 400 `VALIDATION_ERROR`.
 * `tickets` (see `meeting-ticket.ts`) cover the uploaders, outside the signature.
 */
export type PostReceiptsRequest = Static<typeof S.PostReceiptsRequest>;
export type ReceiptOutcome = Static<typeof S.ReceiptOutcome>;
/**
 * Per-receipt outcomes of a batch whose signature verified. `duplicate` means already credited
 * (a retry): the SDK drops it like a credited one. `rejected` receipts are final too. Only a
 * failed request is retried (a 4xx for the whole request makes all its receipts final).
 */
export type PostReceiptsResponse = Static<typeof S.PostReceiptsResponse>;

/** A proof-of-useful-work challenge for a segment the supporter served. */
export type Challenge = Static<typeof S.Challenge>;
/** `GET /api/sessions/:sessionId/challenges` (Bearer sessionSecret). */
export type ChallengesResponse = Static<typeof S.ChallengesResponse>;
/** `POST /api/sessions/:sessionId/challenges/:challengeId` (Bearer sessionSecret). */
export type ChallengeAnswerRequest = Static<typeof S.ChallengeAnswerRequest>;
export type ChallengeAnswerResponse = Static<typeof S.ChallengeAnswerResponse>;

/** Actions that earn points. */
export type PointsAction = Static<typeof S.PointsAction>;

/**
 * `POST /api/viewers/points` — the product's contract (snake_case, as specified). The SDK sends
 * `watch_time` heartbeats every 60 s while playing, with `Authorization: Bearer sessionSecret`.
 */
export type PointsRequest = Static<typeof S.PointsRequest>;
export type PointsResponse = Static<typeof S.PointsResponse>;
/** `GET /api/viewers/:viewerId/points`. */
export type PointsBalanceResponse = Static<typeof S.PointsBalanceResponse>;

/**
 * The parts of a reputation, each normalised to 0..1 (the coordinator README and decision 30
 * give the formula): `uptime` (time live in swarms), `latency` (median delivery time),
 * `success` (passed challenges and verified deliveries against failures), `diversity`
 * (receivers on distinct networks), `age` (maturity: time since the first session).
 * Reputation = age x (0.3 uptime + 0.25 latency + 0.25 success + 0.2 diversity).
 */
export type ReputationParts = Static<typeof S.ReputationParts>;
/** `GET /api/viewers/:viewerId/credit` — a viewer's credit, split by what may be paid. */
export type ViewerCreditResponse = Static<typeof S.ViewerCreditResponse>;

/** Why a group was held: one flag of the collusion job. */
export type HoldReason = Static<typeof S.HoldReason>;
/** One hold, as the admin review endpoints show it. */
export type HoldResponse = Static<typeof S.HoldResponse>;
/** `GET /api/admin/holds` (Bearer ADMIN_API_KEY). */
export type HoldsResponse = Static<typeof S.HoldsResponse>;

/** What a viewer loaded since its previous report, sent as `usage` of a receipt batch. */
export type UsageReport = Static<typeof S.UsageReport>;
/** One bucket of a stream's time series. */
export type MetricsPoint = Static<typeof S.MetricsPoint>;
/** `GET /api/streams/:streamId/metrics?from&to&step` (owner's apiKey). */
export type MetricsResponse = Static<typeof S.MetricsResponse>;
/** `GET /api/streamers/:streamerId/supporter-analytics` (the streamer's apiKey). */
export type SupporterAnalyticsResponse = Static<typeof S.SupporterAnalyticsResponse>;

/** Points per action; watch_time is per minute. Supporters earn `SUPPORTER_MULTIPLIER` times. */
export const POINT_RATES = Object.freeze({
  watch_time: 1,
  chat_message: 5,
  follow_streamer: 25,
  share_stream: 50,
});
export const SUPPORTER_MULTIPLIER = 5;
/** Balance at which the SDK shows a soft account prompt, and VIP status. */
export const ACCOUNT_PROMPT_POINTS = 100;
export const VIP_POINTS = 1000;

/** Most renditions a tracker token names. */
export const MAX_TOKEN_RENDITIONS = 32;

/**
 * The tracker token the coordinator issues and the tracker verifies:
 * `base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, base64url(JSON payload)))`,
 * the HMAC taken over the ASCII of the first part.
 */
export interface TrackerTokenPayload {
  peerId: string;
  /** The only stream the token's holder may join. */
  streamId?: string;
  /**
   * The stream's renditions the holder may join (the coordinator's indexed ones), when known:
   * the tracker refuses other swarms of the stream (`UNKNOWN_RENDITION`). At most
   * {@link MAX_TOKEN_RENDITIONS}; a stream with more is not restricted.
   */
  renditions?: string[];
  /** Expiry, Unix seconds. */
  exp: number;
}
