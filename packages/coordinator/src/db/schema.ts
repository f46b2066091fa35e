/**
 * The typed schema every query is checked against. Column names are snake_case as in SQL;
 * `int8` columns are parsed to `number` by both backends (see `connect.ts`), which is exact up
 * to 2^53 bytes or points.
 */
import type { ColumnType, Generated } from 'kysely';

/** A `timestamptz` column: always written from the coordinator's clock, never `now()`. */
export type Timestamp = ColumnType<Date, Date, Date>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface StreamersTable {
  id: string;
  name: string;
  /**
   * SHA-256 of the first API key, hex; the key itself is shown once. Since migration 013 keys
   * live in `api_keys` (authentication reads only those); null for a streamer that signed up.
   */
  api_key_hash: Nullable<string>;
  created_at: Timestamp;
  /** The address the account was created from, and its keys (`util/network.ts`). */
  ip: Generated<string>;
  address_key: Generated<string>;
  network_key: Generated<string>;
}

export interface StreamsTable {
  id: string;
  streamer_id: string;
  hls_url: string;
  title: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Nullable<Date>;
}

export interface RenditionsTable {
  stream_id: string;
  rendition: string;
  playlist_url: string;
  discovered_at: Timestamp;
}

export interface SegmentRootsTable {
  stream_id: string;
  rendition: string;
  sequence: number;
  /** Merkle root, lowercase hex. */
  root: string;
  byte_length: number;
  indexed_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  stream_id: string;
  viewer_id: string;
  peer_id: string;
  /** Raw P-256 public key, base64url. */
  public_key: string;
  secret_hash: string;
  ip: string;
  /** `addressKeys(ip)` (`util/network.ts`): what limits and credit rules group sessions by. */
  address_key: Generated<string>;
  network_key: Generated<string>;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  ended_at: Nullable<Date>;
  /**
   * Bytes credited as uploader, as of the last credit roll-up: add this session's
   * `pending_credits` for the exact figure (`credit-reads.ts`).
   */
  credited_bytes: Generated<number>;
  challenges_passed: Generated<number>;
  challenges_failed: Generated<number>;
  /** Watch time accepted for points, milliseconds (the sub-minute remainder carries over). */
  watch_ms: Generated<number>;
  /** The session proved it is its viewer (migration 014): created it, or gave its secret. */
  viewer_verified: Generated<boolean>;
  /** The device whose secret verified the session (migration 016); null for the viewer's own. */
  viewer_device_id: Nullable<string>;
}

/** A viewer's secret, answered once when the coordinator first saw it (migration 014). */
export interface ViewersTable {
  viewer_id: string;
  secret_hash: string;
  created_at: Timestamp;
}

export interface ReceiptsTable {
  id: Generated<number>;
  stream_id: string;
  rendition: string;
  sequence: number;
  receiver_viewer_id: string;
  receiver_session_id: string;
  uploader_session_id: string;
  uploader_viewer_id: string;
  byte_length: number;
  /** The receipt's own timestamp, Unix ms. */
  signed_at: number;
  credited_at: Timestamp;
  /** Request to last byte, as the receiver reported it (migration 008); null if it did not. */
  delivery_ms: Generated<number | null>;
}

/**
 * Per-viewer ledger of verified bytes served to others, as of the last credit roll-up: add the
 * viewer's `pending_credits` for the exact figure.
 */
export interface SupporterCreditsTable {
  viewer_id: string;
  credited_bytes: number;
  last_credited_at: Timestamp;
}

/**
 * Credits written with their receipts and not yet rolled up into `sessions.credited_bytes` and
 * `supporter_credits`: one row per receipt batch and uploader session (migration 002).
 */
export interface PendingCreditsTable {
  id: Generated<number>;
  /** The uploader session credited. */
  session_id: string;
  /** That session's viewer. */
  viewer_id: string;
  bytes: number;
  /** How many receipts the bytes are. */
  receipts: number;
  credited_at: Timestamp;
}

export interface ChallengesTable {
  id: string;
  session_id: string;
  stream_id: string;
  rendition: string;
  sequence: number;
  leaf_index: number;
  issued_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Nullable<Date>;
  passed: Nullable<boolean>;
  reason: Nullable<string>;
}

export interface ViewerPointsTable {
  id: Generated<number>;
  viewer_id: string;
  stream_id: string;
  action: string;
  points: number;
  multiplier: number;
  duration_seconds: Nullable<number>;
  session_id: Nullable<string>;
  event_at: Timestamp;
  created_at: Timestamp;
  /** The address key (`util/network.ts`) the award was earned from (migration 006). */
  address_key: Generated<string>;
}

export interface PointBalancesTable {
  viewer_id: string;
  balance: number;
  updated_at: Timestamp;
  /** Watch time accepted for points over all the viewer's sessions, ms (migration 006). */
  watch_ms: Generated<number>;
  /** How far the viewer's accepted watch time reaches on the wall clock (migration 006). */
  watched_until: Nullable<Date>;
}

export interface FollowsTable {
  viewer_id: string;
  streamer_id: string;
  created_at: Timestamp;
}

/** A group of uploader sessions held for review by the collusion job (migration 005). */
export interface TrustHoldsTable {
  id: string;
  stream_id: string;
  /** `held`, then `released` or `voided` by a reviewer. */
  status: 'held' | 'released' | 'voided';
  /** The signals' total weight when flagged (`trust/collusion-signals.ts`). */
  score: number;
  /** JSON array of `HoldReason` (`{ code, message }`). */
  reasons: string;
  created_at: Timestamp;
  decided_at: Nullable<Date>;
}

/** The sessions of a hold; a session is in at most one hold, ever (migration 005). */
export interface TrustHoldSessionsTable {
  session_id: string;
  hold_id: string;
  viewer_id: string;
}

/**
 * What a session was credited as receiver and as uploader, for the physical bounds (migration
 * 007, decision 23): locked and added to by each receipt batch, in the statement that inserts it.
 */
export interface CreditBoundsTable {
  session_id: string;
  stream_id: string;
  address_key: string;
  received_bytes: Generated<number>;
  uploaded_bytes: Generated<number>;
  /** When the session was first credited as uploader (the supporters-per-address rule). */
  first_uploaded_at: Nullable<Date>;
  /** The receiver window's published bytes when last summed (a lower bound of the current). */
  published_bytes: Generated<number>;
}

/** Revenue recorded for a stream (migration 008). */
export interface RevenueEventsTable {
  id: string;
  stream_id: string;
  streamer_id: string;
  kind: 'tip' | 'subscription' | 'ads' | 'other';
  amount_micros: number;
  currency: string;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
  idempotency_key: string | null;
  note: string | null;
  /** The period it was settled in; null until then. */
  period_id: string | null;
}

/**
 * Per uploader session, the end through which its receipts are settled (migration 008): a
 * period settles a session's receipts credited in [its mark, the period's end).
 */
export interface SettlementMarksTable {
  session_id: string;
  stream_id: string;
  viewer_id: string;
  settled_through: Timestamp;
  period_id: string | null;
}

/** A closed settlement period of a stream, with its revenue split (migration 008). */
export interface PeriodsTable {
  id: string;
  stream_id: string;
  streamer_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  closed_at: Timestamp;
  currency: string;
  revenue_micros: number;
  platform_fee_micros: number;
  cdn_saved_micros: number;
  rebate_micros: number;
  pool_formula_micros: number;
  pool_micros: number;
  streamer_micros: number;
  p2p_bytes: number;
  payable_chunks: number;
  supporters: number;
  /** JSON of the policy the period was closed with. */
  policy: string;
}

/** One supporter's line of a period (migration 008). */
export interface PeriodSupportersTable {
  period_id: string;
  viewer_id: string;
  bytes: number;
  chunks: number;
  receipts: number;
  reputation: number;
  /** JSON of the reputation parts. */
  parts: string;
  base_micros: number;
  uptime_bonus: number;
  qos_multiplier: number;
  cap_micros: number;
  earnings_micros: number;
  amount_micros: number;
  /** The supporter-referral earnings boost the line was paid with, 0 or 0.1 (migration 020). */
  referral_boost: Generated<number>;
}

/** A ledger transaction: its entries sum to 0 (migration 008, `ledger/ledger.ts`). */
export interface LedgerTransactionsTable {
  id: string;
  kind:
    | 'revenue'
    | 'period_close'
    | 'payout'
    | 'payout_settled'
    | 'payout_failed'
    | 'correction'
    | 'referral';
  idempotency_key: string;
  period_id: string | null;
  payout_id: string | null;
  memo: string | null;
  created_at: Timestamp;
}

/** One line of a ledger transaction: debit positive, credit negative (migration 008). */
export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: string;
  account: string;
  amount_micros: number;
  currency: string;
  created_at: Timestamp;
}

/** Where a payee is paid by a provider (migration 008). */
export interface PayoutAccountsTable {
  payee_kind: 'supporter' | 'streamer';
  payee_id: string;
  provider: string;
  destination: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One payout through a provider (migration 008). */
export interface PayoutsTable {
  id: string;
  payee_kind: 'supporter' | 'streamer';
  payee_id: string;
  account: string;
  provider: string;
  destination: string;
  amount_micros: number;
  currency: string;
  status: 'pending' | 'paid' | 'failed';
  idempotency_key: string;
  provider_ref: string | null;
  error: string | null;
  attempts: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A bucket of `stream_metrics_minute` or `stream_metrics_hour` (migration 012). */
export interface StreamMetricsTable {
  stream_id: string;
  bucket_start: Timestamp;
  p2p_bytes: Generated<number>;
  cdn_bytes: Generated<number>;
  cdn_segments: Generated<number>;
  reported_p2p_bytes: Generated<number>;
  reported_p2p_segments: Generated<number>;
  viewers: Generated<number>;
  supporters: Generated<number>;
  stalls: Generated<number>;
  usage_reports: Generated<number>;
}

export interface StreamSupporterHoursTable {
  stream_id: string;
  bucket_start: Timestamp;
  viewer_id: string;
  bytes: number;
  receipts: number;
}

export interface MetricsStateTable {
  name: string;
  computed_until: Timestamp;
}

/** A streamer's sign-in: email and password (migration 013). */
export interface AccountsTable {
  id: string;
  streamer_id: string;
  /** Trimmed and lower-cased, so unique without regard to case. */
  email: string;
  /** `accounts/password.ts`: scrypt with its parameters, salt and key; never the password. */
  password_hash: string;
  created_at: Timestamp;
  last_sign_in_at: Nullable<Date>;
}

/** A viewer's account (migration 015): claims an anonymous viewer id, which it keeps. */
export interface ViewerAccountsTable {
  id: string;
  viewer_id: string;
  /** Trimmed and lower-cased, so unique without regard to case. */
  email: string;
  /** scrypt, as `accounts/password.ts` makes it; never the password. */
  password_hash: string;
  /** Shown in chat, squads and leaderboards instead of the viewer id. */
  display_name: string;
  created_at: Timestamp;
  last_sign_in_at: Nullable<Date>;
}

/**
 * A device signed in to a viewer account (migration 016): its own viewer secret, revoked at its
 * sign-out. `proveViewer` accepts it like the viewer's own secret.
 */
export interface ViewerDevicesTable {
  id: string;
  viewer_id: string;
  secret_hash: string;
  /** What the device called itself at sign-in (a browser's user agent, trimmed). */
  name: string;
  created_at: Timestamp;
  last_used_at: Nullable<Date>;
  revoked_at: Nullable<Date>;
}

/** A signed-in browser (migration 013); `id` is the SHA-256 of the cookie's token. */
export interface WebSessionsTable {
  id: string;
  account_id: string;
  created_at: Timestamp;
  /** Slides forward with use (at most once a minute). */
  expires_at: Timestamp;
  last_seen_at: Timestamp;
  revoked_at: Nullable<Date>;
  ip: string;
  user_agent: string;
}

/** A streamer's API key (migration 013); only its hash is stored. */
export interface ApiKeysTable {
  id: string;
  streamer_id: string;
  name: string;
  key_hash: string;
  /** The key's first 8 characters, to tell keys apart; null for keys from before 013. */
  prefix: Nullable<string>;
  created_at: Timestamp;
  last_used_at: Nullable<Date>;
  revoked_at: Nullable<Date>;
}

/** One sign-in attempt, for the per-email and per-address limits (migration 013). */
export interface SignInAttemptsTable {
  id: Generated<number>;
  email: string;
  address_key: string;
  succeeded: boolean;
  created_at: Timestamp;
}

/** A viewer's or a streamer's referral code (migration 020): exactly one owner is set. */
export interface ReferralCodesTable {
  code: string;
  viewer_id: string | null;
  streamer_id: string | null;
  created_at: Timestamp;
}

/** Who brought a referee, and for which reward (migration 020, decision 43). */
export type ReferralKind = 'share' | 'viewer' | 'supporter' | 'streamer';

/** One referee that arrived through a viewer's code, for one kind of reward (migration 020). */
export interface ReferralsTable {
  id: string;
  kind: ReferralKind;
  code: string;
  referrer_viewer_id: string;
  referee_viewer_id: string | null;
  referee_streamer_id: string | null;
  /** The stream a `share` referee arrived on. */
  stream_id: string | null;
  /** Where the referee was first seen (its first session, or the streamer's sign-up). */
  referee_address_key: string;
  referee_network_key: string;
  created_at: Timestamp;
  /** When the reward's condition was met; null while pending or refused. */
  qualified_at: Nullable<Date>;
  /** Why the referral never pays (`referrals/referral-rules.ts`); null unless refused. */
  refusal: Nullable<string>;
}

/** What a referral paid whom (migration 020). */
export type ReferralRewardKind =
  | 'share_points'
  | 'referrer_points'
  | 'referee_points'
  | 'referrer_boost'
  | 'referee_boost'
  | 'streamer_revenue';

/** One reward of a referral; `(referral_id, kind, scope)` is unique (migration 020). */
export interface ReferralRewardsTable {
  id: string;
  referral_id: string;
  kind: ReferralRewardKind;
  /** '' for a one-off reward; the period id for the streamer share of each period. */
  scope: string;
  /** Who was paid. */
  viewer_id: string;
  points: number | null;
  amount_micros: number | null;
  boost_from: Nullable<Date>;
  boost_until: Nullable<Date>;
  created_at: Timestamp;
}

/** A streamer that signed up with another streamer's code (migration 020; pays nothing). */
export interface StreamerReferralsTable {
  referee_streamer_id: string;
  referrer_streamer_id: string;
  code: string;
  created_at: Timestamp;
}

/** A community event, produced once (migration 018, `community/`); `key` is unique. */
export interface CommunityEventsTable {
  id: string;
  key: string;
  kind: 'supporter_joined' | 'data_milestone' | 'goal_progress' | 'goal_reached' | 'squad_joined';
  stream_id: string;
  streamer_id: string;
  /** Rendered for viewers: display names at most, never a viewer id or address. */
  text: string;
  /** JSON of the event's figures (`CommunityEvent.data`). */
  data: string;
  created_at: Timestamp;
}

/** A streamer's community savings goal (migration 018); `stream_id` null = all its streams. */
export interface CommunityGoalsTable {
  id: string;
  streamer_id: string;
  stream_id: string | null;
  title: string;
  target_micros: number;
  starts_at: Timestamp;
  deadline: Nullable<Date>;
  ended_at: Nullable<Date>;
  reached_at: Nullable<Date>;
  /** Payable verified P2P bytes since `starts_at`, as the community job last counted them. */
  progress_bytes: Generated<number>;
  progress_micros: Generated<number>;
  computed_at: Nullable<Date>;
  /** All receipt bytes (frozen too) in [starts_at, counted_through): settled, never recounted. */
  counted_bytes: Generated<number>;
  counted_through: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A viewer in a streamer's support squad (migration 018). */
export interface SquadMembersTable {
  streamer_id: string;
  viewer_id: string;
  joined_at: Timestamp;
}

/** A chat message (migration 017): a viewer's, or a system message of a community event. */
export interface ChatMessagesTable {
  id: string;
  seq: Generated<number>;
  stream_id: string;
  kind: 'message' | 'system';
  /** The sender; null for system messages. Never sent to other viewers. */
  viewer_id: Nullable<string>;
  /** The sender session's address key (per-address rate limit); null for system messages. */
  address_key: Nullable<string>;
  /** Display name or pseudonym as shown when sent; null for system messages. */
  sender_name: Nullable<string>;
  /** Salted hash of the viewer (what a mute targets); for system messages the event kind. */
  sender_key: Nullable<string>;
  supporter: ColumnType<boolean, boolean | undefined, boolean>;
  /** Emptied when the streamer deletes the message. */
  text: string;
  created_at: Timestamp;
  deleted_at: Nullable<Date>;
}

/** A viewer the streamer muted in its stream's chat, until `until`. */
export interface ChatMutesTable {
  stream_id: string;
  viewer_id: string;
  sender_key: string;
  sender_name: string;
  until: Timestamp;
  created_at: Timestamp;
}

/** A stream's chat settings (absent: defaults). */
export interface ChatSettingsTable {
  stream_id: string;
  slow_mode_seconds: ColumnType<number, number | undefined, number>;
  updated_at: Timestamp;
}

/** Deployment settings of privacy (migration 022): `pseudonym_salt` when none is configured. */
export interface PrivacySettingsTable {
  name: string;
  value: string;
}

/**
 * An erased viewer (migration 021, `privacy/`): the SHA-256 of its viewer id, never the id, so a
 * repeated erasure answers "already erased".
 */
export interface ErasuresTable {
  viewer_hash: string;
  /** `viewer` (its own request) or `admin` (a request received by email). */
  requested_by: 'viewer' | 'admin';
  /** Rows the first erasure deleted or anonymised. */
  rows: number;
  requests: Generated<number>;
  erased_at: Timestamp;
  last_requested_at: Timestamp;
}

/** The whole database, as `Kysely<DB>` sees it. */
export interface DB {
  streamers: StreamersTable;
  streams: StreamsTable;
  renditions: RenditionsTable;
  segment_roots: SegmentRootsTable;
  sessions: SessionsTable;
  viewers: ViewersTable;
  receipts: ReceiptsTable;
  supporter_credits: SupporterCreditsTable;
  pending_credits: PendingCreditsTable;
  challenges: ChallengesTable;
  viewer_points: ViewerPointsTable;
  point_balances: PointBalancesTable;
  follows: FollowsTable;
  credit_bounds: CreditBoundsTable;
  trust_holds: TrustHoldsTable;
  trust_hold_sessions: TrustHoldSessionsTable;
  revenue_events: RevenueEventsTable;
  periods: PeriodsTable;
  settlement_marks: SettlementMarksTable;
  period_supporters: PeriodSupportersTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  payout_accounts: PayoutAccountsTable;
  payouts: PayoutsTable;
  accounts: AccountsTable;
  viewer_accounts: ViewerAccountsTable;
  chat_messages: ChatMessagesTable;
  chat_mutes: ChatMutesTable;
  chat_settings: ChatSettingsTable;
  privacy_settings: PrivacySettingsTable;
  viewer_devices: ViewerDevicesTable;
  web_sessions: WebSessionsTable;
  api_keys: ApiKeysTable;
  sign_in_attempts: SignInAttemptsTable;
  stream_metrics_minute: StreamMetricsTable;
  stream_metrics_hour: StreamMetricsTable;
  stream_supporter_hours: StreamSupporterHoursTable;
  metrics_state: MetricsStateTable;
  community_events: CommunityEventsTable;
  community_goals: CommunityGoalsTable;
  squad_members: SquadMembersTable;
  referral_codes: ReferralCodesTable;
  referrals: ReferralsTable;
  referral_rewards: ReferralRewardsTable;
  streamer_referrals: StreamerReferralsTable;
  erasures: ErasuresTable;
}
