/**
 * The coordinator's HTTP API as the SDK and tools see it: request and response bodies.
 * The coordinator's OpenAPI description (`/api/openapi.json`) documents the same shapes.
 * Byte strings travel as lowercase hex (roots, hashes) or base64url (keys, signatures).
 * Errors are always `{ error: { code, message } }` with an HTTP status.
 */

/** Every error response body. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** `POST /api/streamers` — create a streamer account. */
export interface CreateStreamerRequest {
  name: string;
}
/** The API key is shown once; only its hash is stored. */
export interface CreateStreamerResponse {
  streamerId: string;
  name: string;
  apiKey: string;
}

/** `POST /api/streams` (Authorization: Bearer apiKey) — register an HLS stream. */
export interface CreateStreamRequest {
  /** Master (or media) playlist URL. */
  hlsUrl: string;
  title?: string;
}
export interface StreamResponse {
  streamId: string;
  streamerId: string;
  hlsUrl: string;
  title: string;
  /** Renditions found by the indexer so far (ids as `renditionId()` derives them). */
  renditions: string[];
  createdAt: string;
  /** A ready-to-paste `<div data-streamrp2p-...>` + `<script>` snippet. Owner only. */
  embedSnippet?: string;
}

/** One indexed segment: the trust anchor for integrity and rewards. */
export interface SegmentRoot {
  sequence: number;
  /** Merkle root, hex. */
  root: string;
  byteLength: number;
}
/** `GET /api/streams/:streamId/roots?rendition=&from=&to=` (inclusive range, at most 500). */
export interface SegmentRootsResponse {
  streamId: string;
  rendition: string;
  roots: SegmentRoot[];
}

/** `POST /api/sessions` — a viewer starts watching. */
export interface CreateSessionRequest {
  streamId: string;
  /** The viewer's id (an account or a stored anonymous UUID); a new UUID when absent. */
  viewerId?: string;
  /** ECDSA P-256 public key, raw uncompressed point (65 bytes), base64url. */
  publicKey: string;
}
export interface SessionResponse {
  sessionId: string;
  /** Server-assigned peer id the tracker token carries. */
  peerId: string;
  viewerId: string;
  /** Bearer secret for the session's own endpoints (receipts, challenges, token refresh). */
  sessionSecret: string;
  trackerToken: string;
  /** Unix seconds. */
  trackerTokenExpiresAt: number;
}

/** `GET /api/sessions/:sessionId` (Bearer sessionSecret) — the session's own view of its standing. */
export interface SessionSummaryResponse {
  sessionId: string;
  streamId: string;
  viewerId: string;
  peerId: string;
  createdAt: string;
  lastSeenAt: string;
  live: boolean;
  /** Verified bytes this session served to others. */
  creditedBytes: number;
  challengesPassed: number;
  challengesFailed: number;
  /** Watch time accepted for points. */
  watchSeconds: number;
  /** The viewer's reputation, 0..1 (see `ViewerCreditResponse`). */
  reputation: number;
}

/** `POST /api/sessions/:sessionId/token` (Bearer sessionSecret) — a fresh tracker token. */
export interface TrackerTokenResponse {
  trackerToken: string;
  trackerTokenExpiresAt: number;
}

/**
 * A receipt as posted: the `Receipt` fields except the receiver, which is the request's
 * `sessionId`. It carries no signature of its own: the request's `signature` covers the batch.
 */
export interface ReceiptBody {
  uploaderPeerId: string;
  streamId: string;
  rendition: string;
  sequence: number;
  /** hex */
  root: string;
  byteLength: number;
  timestamp: number;
}
/**
 * `POST /api/receipts` (Bearer sessionSecret of the receiver). At most 500 receipts, signed once
 * as a batch. A request whose `signature` does not verify is refused whole (400 `BAD_SIGNATURE`),
 * as is one holding a malformed receipt (400 `INVALID_RECEIPT`: the batch cannot be verified
 * without it); a request without `signature` (receipts signed one by one, the old shape) gets
 * 400 `VALIDATION_ERROR`.
 */
export interface PostReceiptsRequest {
  /** The receiver's session id: the `receiverSessionId` of the batch and of every receipt. */
  sessionId: string;
  receipts: ReceiptBody[];
  /**
   * The receiver's ECDSA P-256 / SHA-256 signature over
   * `encodeReceiptBatch({ receiverSessionId: sessionId, receipts })` (roots as bytes), in IEEE
   * P1363 form (r || s, 64 bytes), base64url without padding.
   */
  signature: string;
  /**
   * Meeting tickets (see `meeting-ticket.ts`) covering the uploaders of these receipts: one
   * naming this session's peer and each uploader peer, in the receipt's swarm. Outside the
   * signature (the tracker's HMAC protects each ticket). At most `MAX_TICKETS_PER_BATCH`.
   */
  tickets?: string[];
}
export type ReceiptOutcome =
  | { index: number; status: 'credited' }
  | { index: number; status: 'duplicate' }
  | { index: number; status: 'rejected'; code: string; message: string };
/**
 * Per-receipt outcomes of a batch whose signature verified. `duplicate` means already credited
 * (a retry): the SDK drops it like a credited one. `rejected` receipts are final too. Only a
 * failed request is retried (a 4xx for the whole request makes all its receipts final).
 */
export interface PostReceiptsResponse {
  credited: number;
  duplicates: number;
  rejected: number;
  results: ReceiptOutcome[];
}

/** A proof-of-useful-work challenge for a segment the supporter served. */
export interface Challenge {
  challengeId: string;
  streamId: string;
  rendition: string;
  sequence: number;
  /** Which 16 KiB leaf to prove. */
  leafIndex: number;
  /** ISO time after which answers fail. */
  expiresAt: string;
}
/** `GET /api/sessions/:sessionId/challenges` (Bearer sessionSecret). */
export interface ChallengesResponse {
  challenges: Challenge[];
}
/** `POST /api/sessions/:sessionId/challenges/:challengeId` (Bearer sessionSecret). */
export interface ChallengeAnswerRequest {
  /** SHA-256(0x00 || chunk), hex. */
  leafHash: string;
  /** Sibling hashes from the leaf level up, hex (see `merkleProof`). */
  siblings: string[];
}
export interface ChallengeAnswerResponse {
  challengeId: string;
  passed: boolean;
  /** Why it failed: `WRONG_PROOF`, `EXPIRED`, `ALREADY_ANSWERED`. */
  reason?: string;
}

/** Actions that earn points. */
export type PointsAction = 'watch_time' | 'chat_message' | 'follow_streamer' | 'share_stream';

/**
 * `POST /api/viewers/points` — the product's contract (snake_case, as specified). The SDK sends
 * `watch_time` heartbeats every 60 s while playing, with `Authorization: Bearer sessionSecret`.
 */
export interface PointsRequest {
  viewer_id: string;
  stream_id: string;
  action: PointsAction;
  /** For `watch_time`: seconds watched since the last heartbeat. */
  duration_seconds?: number;
  /** ISO time or Unix milliseconds of the event. */
  timestamp: string | number;
}
export interface PointsResponse {
  viewer_id: string;
  awarded: number;
  balance: number;
  /** 5 when the viewer is a supporter (served verified bytes recently), else 1. */
  multiplier: number;
  /** `none`, `account_prompt` (>= 100 points) or `vip` (>= 1000). */
  status: 'none' | 'account_prompt' | 'vip';
}
/** `GET /api/viewers/:viewerId/points`. */
export interface PointsBalanceResponse {
  viewer_id: string;
  balance: number;
  status: 'none' | 'account_prompt' | 'vip';
  /** Verified bytes this viewer has served to others, all time. */
  credited_bytes: number;
}

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

/**
 * The parts of a reputation, each normalised to 0..1 (the coordinator README and decision 25
 * give the formula): `uptime` (time live in swarms), `challenges` (passed against failed and
 * expired), `diversity` (receivers on distinct networks), `age` (time since the first session).
 */
export interface ReputationParts {
  uptime: number;
  challenges: number;
  diversity: number;
  age: number;
}

/** `GET /api/viewers/:viewerId/credit` — a viewer's credit, split by what may be paid. */
export interface ViewerCreditResponse {
  viewerId: string;
  /** All verified bytes the viewer's sessions served to others. */
  creditedBytes: number;
  /** Credit payable now: reputation at or above the threshold, not held and not voided. */
  payableBytes: number;
  /** Credit held for review or voided: never payable while so. */
  frozenBytes: number;
  /** The held part of `frozenBytes` (a reviewer may still release it). */
  pendingReviewBytes: number;
  /** 0..1; credit is payable from the coordinator's `payableReputation` (0.7). */
  reputation: number;
  reputationParts: ReputationParts;
}

/** Why a group was held: one flag of the collusion job. */
export interface HoldReason {
  /** `RECIPROCAL`, `NO_PLAYBACK`, `SAME_NETWORK`, `SESSION_BURST`, `SHARED_KEY`, `SHARED_TIMING`. */
  code: string;
  message: string;
}

/** One hold, as the admin review endpoints show it. */
export interface HoldResponse {
  holdId: string;
  streamId: string;
  status: 'held' | 'released' | 'voided';
  /** The flags' total weight (a group is held from 3). */
  score: number;
  reasons: HoldReason[];
  sessions: Array<{ sessionId: string; viewerId: string }>;
  /** Bytes credited to the hold's sessions (frozen unless released). */
  creditedBytes: number;
  createdAt: string;
  decidedAt: string | null;
}

/** `GET /api/admin/holds` (Bearer ADMIN_API_KEY). */
export interface HoldsResponse {
  holds: HoldResponse[];
}
