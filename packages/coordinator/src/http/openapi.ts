/**
 * The OpenAPI 3.1 description served at `/api/openapi.json`: every route, its auth, bodies and
 * error statuses. Bodies, query strings and path parameters are the very schemas the routes
 * validate with (`@streamrp2p/protocol/api-schemas`, decision 29); a test checks that every
 * express route appears here and that each route validates with what the document says.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import * as S from '@streamrp2p/protocol/api-schemas';
import { COORDINATOR_VERSION } from '../config/version.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Auth =
  | 'apiKey'
  | 'sessionSecret'
  | 'sessionOrApiKey'
  | 'optionalApiKey'
  | 'optionalSessionSecret'
  | 'adminKey'
  | 'apiKeyOrAdminKey'
  | 'cookie'
  | 'none';

/** The document's component schemas: every request and response shape, by name. */
export const COMPONENTS = {
  ApiErrorBody: S.ApiErrorBody,
  CreateStreamerRequest: S.CreateStreamerRequest,
  CreateStreamerResponse: S.CreateStreamerResponse,
  CreateStreamRequest: S.CreateStreamRequest,
  UpdateStreamRequest: S.UpdateStreamRequest,
  StreamResponse: S.StreamResponse,
  SegmentRoot: S.SegmentRoot,
  SegmentRootsResponse: S.SegmentRootsResponse,
  CreateSessionRequest: S.CreateSessionRequest,
  SessionResponse: S.SessionResponse,
  TrackerTokenResponse: S.TrackerTokenResponse,
  SessionSummaryResponse: S.SessionSummaryResponse,
  ReceiptBody: S.ReceiptBody,
  PostReceiptsRequest: S.PostReceiptsRequest,
  ReceiptOutcome: S.ReceiptOutcome,
  PostReceiptsResponse: S.PostReceiptsResponse,
  Challenge: S.Challenge,
  ChallengesResponse: S.ChallengesResponse,
  ChallengeAnswerRequest: S.ChallengeAnswerRequest,
  ChallengeAnswerResponse: S.ChallengeAnswerResponse,
  PointsRequest: S.PointsRequest,
  PointsResponse: S.PointsResponse,
  PointsBalanceResponse: S.PointsBalanceResponse,
  Health: S.Health,
  ReputationParts: S.ReputationParts,
  ViewerCreditResponse: S.ViewerCreditResponse,
  HoldResponse: S.HoldResponse,
  HoldsResponse: S.HoldsResponse,
  SignUpRequest: S.SignUpRequest,
  SignInRequest: S.SignInRequest,
  SignedInResponse: S.SignedInResponse,
  CreateApiKeyRequest: S.CreateApiKeyRequest,
  CreatedApiKeyResponse: S.CreatedApiKeyResponse,
  ApiKeysResponse: S.ApiKeysResponse,
  PayoutAccountRequest: S.PayoutAccountRequest,
  PayoutAccountResponse: S.PayoutAccountResponse,
  PayoutAccountsResponse: S.PayoutAccountsResponse,
  PayoutRunRequest: S.PayoutRunRequest,
  PayoutResponse: S.PayoutResponse,
  PayoutsResponse: S.PayoutsResponse,
  PayoutRunResponse: S.PayoutRunResponse,
  RecordRevenueRequest: S.RecordRevenueRequest,
  RevenueEventResponse: S.RevenueEventResponse,
  RevenueEventsResponse: S.RevenueEventsResponse,
  ClosePeriodRequest: S.ClosePeriodRequest,
  PeriodResponse: S.PeriodResponse,
  PeriodDetailResponse: S.PeriodDetailResponse,
  PeriodsResponse: S.PeriodsResponse,
  AdminClosePeriodsResponse: S.AdminClosePeriodsResponse,
  SupporterStatementResponse: S.SupporterStatementResponse,
  ViewerEarningsResponse: S.ViewerEarningsResponse,
  StreamerStatementResponse: S.StreamerStatementResponse,
  UsageReport: S.UsageReport,
  MetricsPoint: S.MetricsPoint,
  MetricsResponse: S.MetricsResponse,
  SupporterAnalyticsResponse: S.SupporterAnalyticsResponse,
  StreamsResponse: S.StreamsResponse,
  IndexingResponse: S.IndexingResponse,
  LiveSnapshot: S.LiveSnapshot,
  StreamSupportersResponse: S.StreamSupportersResponse,
  ViewerReferralsResponse: S.ViewerReferralsResponse,
  StreamerReferralsResponse: S.StreamerReferralsResponse,
  CommunityEventResponse: S.CommunityEventResponse,
  CommunityGoalResponse: S.CommunityGoalResponse,
  CommunityGoalsResponse: S.CommunityGoalsResponse,
  CreateGoalRequest: S.CreateGoalRequest,
  UpdateGoalRequest: S.UpdateGoalRequest,
  StreamCommunityResponse: S.StreamCommunityResponse,
  JoinSquadRequest: S.JoinSquadRequest,
  SquadMembershipResponse: S.SquadMembershipResponse,
  SquadStatsResponse: S.SquadStatsResponse,
  SquadNotificationsResponse: S.SquadNotificationsResponse,
  ChatRoomResponse: S.ChatRoomResponse,
  ChatMuteRequest: S.ChatMuteRequest,
  ChatMuteResponse: S.ChatMuteResponse,
  ChatSettingsRequest: S.ChatSettingsRequest,
  ChatSettingsResponse: S.ChatSettingsResponse,
  ClaimViewerAccountRequest: S.ClaimViewerAccountRequest,
  UpdateViewerAccountRequest: S.UpdateViewerAccountRequest,
  ViewerSignInRequest: S.ViewerSignInRequest,
  ViewerAccountResponse: S.ViewerAccountResponse,
  ViewerSignedInResponse: S.ViewerSignedInResponse,
  FollowRequest: S.FollowRequest,
  FollowResponse: S.FollowResponse,
  FollowsResponse: S.FollowsResponse,
  StreamFollowersResponse: S.StreamFollowersResponse,
  LeaderboardResponse: S.LeaderboardResponse,
  GrowthResponse: S.GrowthResponse,
  ViewerExportResponse: S.ViewerExportResponse,
  ErasureResponse: S.ErasureResponse,
} satisfies Record<string, TSchema>;
type Component = keyof typeof COMPONENTS;

interface Operation {
  summary: string;
  auth: Auth;
  body?: Component;
  /** Path parameters; every `{name}` of the path must be one. */
  params?: TObject;
  query?: TObject;
  /** Success status and schema name (undefined for an empty body). */
  ok: [number, Component | undefined];
  errors: number[];
}

const json = (name: string) => ({
  'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
});
const SECURITY: Record<Auth, unknown[] | undefined> = {
  // Every route a streamer's key opens also takes the studio's session cookie (with the CSRF
  // checks on changes): both go through authenticateStreamer.
  apiKey: [{ apiKey: [] }, { sessionCookie: [] }],
  sessionSecret: [{ sessionSecret: [] }],
  sessionOrApiKey: [{ sessionSecret: [] }, { apiKey: [] }],
  optionalApiKey: [{}, { apiKey: [] }, { sessionCookie: [] }],
  optionalSessionSecret: [{}, { sessionSecret: [] }],
  adminKey: [{ adminKey: [] }],
  apiKeyOrAdminKey: [{ apiKey: [] }, { adminKey: [] }],
  cookie: [{ sessionCookie: [] }],
  none: [],
};

/** An object schema's properties as OpenAPI parameters `in` the path or the query. */
function parameters(where: 'path' | 'query', schema: TObject | undefined) {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: required.has(name),
    schema: property,
  }));
}

/** A 503 while the database is unreachable says when to try again. */
const UNAVAILABLE_RESPONSE = {
  description: 'The database is unreachable: retry after Retry-After seconds',
  headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
  content: json('ApiErrorBody'),
};

/**
 * The error statuses of an operation: its own, 415 for a body in another encoding or charset,
 * and 503 for every route that needs the database (all of `/api/` but this document).
 */
function errorStatuses(path: string, op: Operation): number[] {
  const needsDatabase = path.startsWith('/api/') && path !== '/api/openapi.json';
  const all = new Set([
    ...op.errors,
    ...(op.body === undefined ? [] : [415]),
    ...(needsDatabase ? [503] : []),
  ]);
  return [...all].sort((a, b) => a - b);
}

function operation(path: string, op: Operation) {
  const [status, schema] = op.ok;
  return {
    summary: op.summary,
    security: SECURITY[op.auth],
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(op.body === undefined ? {} : { requestBody: { required: true, content: json(op.body) } }),
    responses: {
      [status]: { description: 'OK', ...(schema === undefined ? {} : { content: json(schema) }) },
      ...Object.fromEntries(
        errorStatuses(path, op).map((e) => [
          e,
          e === 503
            ? UNAVAILABLE_RESPONSE
            : { description: 'Error', content: json('ApiErrorBody') },
        ]),
      ),
    },
  };
}

const ROUTES: Record<string, Partial<Record<Method, Operation>>> = {
  '/healthz': {
    get: {
      summary: 'Liveness and database ping',
      auth: 'none',
      ok: [200, 'Health'],
      errors: [503],
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text exposition format)',
      auth: 'none',
      ok: [200, undefined],
      errors: [],
    },
  },
  '/api/openapi.json': {
    get: { summary: 'This document', auth: 'none', ok: [200, undefined], errors: [] },
  },
  '/api/streamers': {
    post: {
      summary: 'Create a streamer; returns its API key once',
      auth: 'none',
      body: 'CreateStreamerRequest',
      ok: [201, 'CreateStreamerResponse'],
      errors: [400, 413, 429],
    },
  },
  '/api/accounts': {
    post: {
      summary:
        'Sign up: create a streamer and its account (email, password, name) and sign in (sets the session cookie)',
      auth: 'none',
      body: 'SignUpRequest',
      ok: [201, 'SignedInResponse'],
      errors: [400, 403, 409, 413, 429],
    },
  },
  '/api/auth/sign-in': {
    post: {
      summary:
        'Sign in with email and password: sets the session cookie and answers the CSRF token; 401 INVALID_CREDENTIALS alike for an unknown email and a wrong password',
      auth: 'none',
      body: 'SignInRequest',
      ok: [200, 'SignedInResponse'],
      errors: [400, 401, 403, 413, 429],
    },
  },
  '/api/auth/sign-out': {
    post: {
      summary: 'Sign out: revokes the session and clears the cookie',
      auth: 'cookie',
      ok: [204, undefined],
      errors: [403],
    },
  },
  '/api/auth/me': {
    get: {
      summary: 'The signed-in account, its streamer and the CSRF token (401 when not signed in)',
      auth: 'cookie',
      ok: [200, 'SignedInResponse'],
      errors: [401],
    },
  },
  '/api/streamers/{streamerId}/api-keys': {
    get: {
      summary: "The streamer's API keys, revoked ones too, newest first (never the keys)",
      auth: 'apiKey',
      params: S.ApiKeysPath,
      ok: [200, 'ApiKeysResponse'],
      errors: [400, 401, 403],
    },
    post: {
      summary: 'Create an API key; the key is in this answer only',
      auth: 'apiKey',
      params: S.ApiKeysPath,
      body: 'CreateApiKeyRequest',
      ok: [201, 'CreatedApiKeyResponse'],
      errors: [400, 401, 403, 409],
    },
  },
  '/api/streamers/{streamerId}/api-keys/{keyId}': {
    delete: {
      summary: 'Revoke an API key: it is refused (401) from the next request on',
      auth: 'apiKey',
      params: S.ApiKeyPath,
      ok: [204, undefined],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams': {
    post: {
      summary: 'Register an HLS stream; the indexer starts following it',
      auth: 'apiKey',
      body: 'CreateStreamRequest',
      ok: [201, 'StreamResponse'],
      errors: [400, 401, 422],
    },
  },
  '/api/streams/{streamId}': {
    get: {
      summary: 'A stream; embedSnippet only for the owner',
      auth: 'optionalApiKey',
      params: S.StreamPath,
      ok: [200, 'StreamResponse'],
      errors: [400, 404],
    },
    patch: {
      summary: 'Change title or hlsUrl (owner only)',
      auth: 'apiKey',
      params: S.StreamPath,
      body: 'UpdateStreamRequest',
      ok: [200, 'StreamResponse'],
      errors: [400, 401, 403, 404, 422],
    },
    delete: {
      summary: 'Delete a stream (owner only); indexing stops',
      auth: 'apiKey',
      params: S.StreamPath,
      ok: [204, undefined],
      errors: [401, 403, 404],
    },
  },
  '/api/streams/{streamId}/roots': {
    get: {
      summary:
        'Merkle roots of segments from..to (inclusive, at most 500); cacheable when complete',
      auth: 'none',
      params: S.StreamPath,
      query: S.RootsQuery,
      ok: [200, 'SegmentRootsResponse'],
      errors: [400, 404],
    },
  },
  '/api/sessions': {
    post: {
      summary: 'Start a viewer session: peer id, secret, tracker token',
      auth: 'none',
      body: 'CreateSessionRequest',
      ok: [201, 'SessionResponse'],
      errors: [400, 404, 409, 422, 429],
    },
  },
  '/api/sessions/{sessionId}': {
    get: {
      summary: 'Session summary: credited bytes, challenge results',
      auth: 'sessionSecret',
      params: S.SessionPath,
      ok: [200, 'SessionSummaryResponse'],
      errors: [401, 404],
    },
    delete: {
      summary: 'End the session',
      auth: 'sessionSecret',
      params: S.SessionPath,
      ok: [204, undefined],
      errors: [401, 404],
    },
  },
  '/api/sessions/{sessionId}/token': {
    post: {
      summary: 'A fresh tracker token',
      auth: 'sessionSecret',
      params: S.SessionPath,
      ok: [200, 'TrackerTokenResponse'],
      errors: [401, 404],
    },
  },
  '/api/sessions/{sessionId}/challenges': {
    get: {
      summary: 'Pending challenges (issues one when due)',
      auth: 'sessionSecret',
      params: S.SessionPath,
      ok: [200, 'ChallengesResponse'],
      errors: [401, 404],
    },
  },
  '/api/sessions/{sessionId}/challenges/{challengeId}': {
    post: {
      summary: 'Answer a challenge with a Merkle proof',
      auth: 'sessionSecret',
      params: S.ChallengePath,
      body: 'ChallengeAnswerRequest',
      ok: [200, 'ChallengeAnswerResponse'],
      errors: [400, 401, 404, 409],
    },
  },
  '/api/receipts': {
    post: {
      summary:
        'Post receipts (at most 500) signed once as a batch; per-receipt outcomes, or 400 BAD_SIGNATURE / INVALID_RECEIPT for the whole batch',
      auth: 'sessionSecret',
      body: 'PostReceiptsRequest',
      ok: [200, 'PostReceiptsResponse'],
      errors: [400, 401, 404, 413],
    },
  },
  '/api/viewers/points': {
    post: {
      summary: 'Award points for an action',
      auth: 'sessionOrApiKey',
      body: 'PointsRequest',
      ok: [200, 'PointsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewers/{viewerId}/points': {
    get: {
      summary: "A viewer's balance (zero for an unknown viewer)",
      auth: 'none',
      params: S.ViewerPath,
      ok: [200, 'PointsBalanceResponse'],
      errors: [400],
    },
  },
  '/api/viewers/{viewerId}/credit': {
    get: {
      summary: "A viewer's credit: credited, payable, frozen, and its reputation",
      auth: 'none',
      params: S.ViewerPath,
      ok: [200, 'ViewerCreditResponse'],
      errors: [400],
    },
  },
  '/api/streams/{streamId}/community': {
    get: {
      summary:
        "The player's community feed: goals counting the stream with their progress, its newest social-proof events, its squad's size (cacheable 10 s)",
      auth: 'none',
      params: S.StreamPath,
      ok: [200, 'StreamCommunityResponse'],
      errors: [400, 404],
    },
  },
  '/api/streamers/{streamerId}/goals': {
    get: {
      summary: "The streamer's community savings goals with their progress (its own key)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'CommunityGoalsResponse'],
      errors: [400, 401, 403],
    },
    post: {
      summary:
        'Set a community savings goal for one stream or all of the streamer’s streams, with an optional deadline',
      auth: 'apiKey',
      params: S.StreamerPath,
      body: 'CreateGoalRequest',
      ok: [201, 'CommunityGoalResponse'],
      errors: [400, 401, 403, 404, 409],
    },
  },
  '/api/streamers/{streamerId}/goals/{goalId}': {
    patch: {
      summary: 'Change an open goal’s title, target or deadline (409 once reached or ended)',
      auth: 'apiKey',
      params: S.GoalPath,
      body: 'UpdateGoalRequest',
      ok: [200, 'CommunityGoalResponse'],
      errors: [400, 401, 403, 404, 409],
    },
  },
  '/api/streamers/{streamerId}/goals/{goalId}/end': {
    post: {
      summary: 'End a goal: it stops counting and leaves the player’s feed',
      auth: 'apiKey',
      params: S.GoalPath,
      ok: [200, 'CommunityGoalResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streamers/{streamerId}/squad': {
    get: {
      summary:
        "The streamer's support squad: members, their data served and savings in its streams, mean uptime, points (cached 30 s)",
      auth: 'none',
      params: S.StreamerPath,
      ok: [200, 'SquadStatsResponse'],
      errors: [400, 404],
    },
  },
  '/api/streamers/{streamerId}/squad/notifications': {
    get: {
      summary: "Who joined the streamer's squad, newest first (its own key; one per viewer a day)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'SquadNotificationsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/viewers/{viewerId}/squads/{streamerId}': {
    get: {
      summary: "Whether the viewer is in the squad (a session secret of the viewer's own)",
      auth: 'sessionSecret',
      params: S.SquadMemberPath,
      ok: [200, 'SquadMembershipResponse'],
      errors: [400, 401, 403],
    },
    post: {
      summary:
        'Join the squad from one of the streamer’s streams (201 when new; announced once per viewer a day)',
      auth: 'sessionSecret',
      params: S.SquadMemberPath,
      body: 'JoinSquadRequest',
      ok: [200, 'SquadMembershipResponse'],
      errors: [400, 401, 403, 404],
    },
    delete: {
      summary: 'Leave the squad',
      auth: 'sessionSecret',
      params: S.SquadMemberPath,
      ok: [200, 'SquadMembershipResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/viewers/{viewerId}/squads/{streamerId}/notifications': {
    get: {
      summary: 'Who joined the squad since the member did, newest first (members only)',
      auth: 'sessionSecret',
      params: S.SquadMemberPath,
      ok: [200, 'SquadNotificationsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/viewers/{viewerId}/referrals': {
    get: {
      summary:
        "A viewer's referral code (share links carry it as ?ref=CODE) and its referrals as referrer and referee: kind, status, what each paid it (a verified session of the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'ViewerReferralsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/streamers/{streamerId}/referrals': {
    get: {
      summary:
        "A streamer's referral code, the streamers that signed up with it, and whose code it signed up with (its own API key or studio session)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'StreamerReferralsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/streams/{streamId}/supporters': {
    get: {
      summary:
        "The stream's supporters: distinct viewers credited for serving it in the last 30 days (cached 60 s)",
      auth: 'none',
      params: S.StreamPath,
      ok: [200, 'StreamSupportersResponse'],
      errors: [400, 404],
    },
  },
  '/api/streams/{streamId}/chat': {
    get: {
      summary:
        "The stream's chat as the moderation panel shows it (owner only): slow mode, the latest 100 messages, mutes in force. Viewers chat over socket.io at /chat",
      auth: 'apiKey',
      params: S.StreamPath,
      ok: [200, 'ChatRoomResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/chat/messages/{messageId}': {
    delete: {
      summary: 'Delete a chat message for everyone, history included (owner only)',
      auth: 'apiKey',
      params: S.ChatMessagePath,
      ok: [204, undefined],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/chat/mutes': {
    post: {
      summary:
        'Mute a chat sender, by one of its messages or its sender key, for durationSeconds (0 lifts it); its messages are refused (owner only)',
      auth: 'apiKey',
      params: S.StreamPath,
      body: 'ChatMuteRequest',
      ok: [200, 'ChatMuteResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/chat/settings': {
    put: {
      summary: 'Set slow mode: seconds between two messages of one viewer, 0 = off (owner only)',
      auth: 'apiKey',
      params: S.StreamPath,
      body: 'ChatSettingsRequest',
      ok: [200, 'ChatSettingsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/admin/holds': {
    get: {
      summary: 'Holds for review, newest first (optional ?status=held|released|voided)',
      auth: 'adminKey',
      query: S.HoldsQuery,
      ok: [200, 'HoldsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/admin/holds/{holdId}/release': {
    post: {
      summary: "Release a hold: its sessions' credit counts again (payable when reputation allows)",
      auth: 'adminKey',
      params: S.HoldPath,
      ok: [200, 'HoldResponse'],
      errors: [400, 401, 403, 404, 409],
    },
  },
  '/api/admin/holds/{holdId}/void': {
    post: {
      summary: "Void a hold: its sessions' credit stays frozen for good",
      auth: 'adminKey',
      params: S.HoldPath,
      ok: [200, 'HoldResponse'],
      errors: [400, 401, 403, 404, 409],
    },
  },
  '/api/streams/{streamId}/revenue': {
    post: {
      summary:
        'Record revenue (owner or admin): 201, or 200 with the first event when its idempotencyKey comes again with the same body',
      auth: 'apiKeyOrAdminKey',
      params: S.StreamPath,
      body: 'RecordRevenueRequest',
      ok: [201, 'RevenueEventResponse'],
      errors: [400, 401, 403, 404, 409, 422],
    },
    get: {
      summary: "A stream's revenue events, oldest first (owner only; ?from=&to= ISO times)",
      auth: 'apiKey',
      params: S.StreamPath,
      query: S.TimeRangeQuery,
      ok: [200, 'RevenueEventsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/periods': {
    post: {
      summary:
        "Close the stream's period ending at endsAt (owner or admin): 201, or 200 with the period when it was closed before",
      auth: 'apiKeyOrAdminKey',
      params: S.StreamPath,
      body: 'ClosePeriodRequest',
      ok: [201, 'PeriodResponse'],
      errors: [400, 401, 403, 404, 409, 422],
    },
    get: {
      summary: "A stream's closed periods, newest first (owner only)",
      auth: 'apiKey',
      params: S.StreamPath,
      ok: [200, 'PeriodsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/periods/{periodId}': {
    get: {
      summary: 'A closed period with its supporter lines (owner only)',
      auth: 'apiKey',
      params: S.PeriodPath,
      ok: [200, 'PeriodDetailResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/admin/periods': {
    post: {
      summary:
        'Close the period ending at endsAt of every stream with unsettled receipts or revenue before it, one at a time; the outcome per stream',
      auth: 'adminKey',
      body: 'ClosePeriodRequest',
      ok: [200, 'AdminClosePeriodsResponse'],
      errors: [400, 401, 403, 422],
    },
  },
  '/api/viewers/{viewerId}/statements': {
    get: {
      summary:
        "A supporter's statement: period lines, payouts, ledger balance (a session secret of the viewer; format=csv for a CSV download)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      query: S.StatementQuery,
      ok: [200, 'SupporterStatementResponse'],
      errors: [400, 401],
    },
  },
  '/api/viewers/{viewerId}/earnings': {
    get: {
      summary:
        "A supporter's earnings now: reputation, unsettled payable bytes, this month's earnings, balance owed, last periods",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'ViewerEarningsResponse'],
      errors: [400, 401],
    },
  },
  '/api/streamers/{streamerId}/statements': {
    get: {
      summary:
        "A streamer's statement: periods with revenue, fee, pool and share, totals per stream, balance (its own API key; format=csv for a CSV download)",
      auth: 'apiKey',
      params: S.StreamerPath,
      query: S.StatementQuery,
      ok: [200, 'StreamerStatementResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/streams/{streamId}/metrics': {
    get: {
      summary:
        "A stream's time series (owner only): P2P and CDN bytes, viewers, supporters, stalls per minute, hour or day; at most 10,000 points",
      auth: 'apiKey',
      params: S.StreamPath,
      query: S.MetricsQuery,
      ok: [200, 'MetricsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streamers/{streamerId}/supporter-analytics': {
    get: {
      summary:
        "The streamer's supporter analytics (its own API key): current supporters, bandwidth and cost saved, top supporters, time series, periods, payouts",
      auth: 'apiKey',
      params: S.StreamerPath,
      query: S.SupporterAnalyticsQuery,
      ok: [200, 'SupporterAnalyticsResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewers/{viewerId}/payout-account': {
    get: {
      summary: "The viewer's payout accounts, one per provider (a session secret of the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'PayoutAccountsResponse'],
      errors: [400, 401],
    },
    put: {
      summary:
        "Set where the viewer's earnings are paid at a provider (a session secret of the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      body: 'PayoutAccountRequest',
      ok: [200, 'PayoutAccountResponse'],
      errors: [400, 401, 422],
    },
  },
  '/api/viewers/{viewerId}/payouts': {
    get: {
      summary: "The viewer's payouts, newest first (a session secret of the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'PayoutsResponse'],
      errors: [400, 401],
    },
  },
  '/api/streamers/{streamerId}/payout-account': {
    get: {
      summary: "The streamer's payout accounts, one per provider (its own API key)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'PayoutAccountsResponse'],
      errors: [400, 401, 403],
    },
    put: {
      summary: "Set where the streamer's revenue share is paid at a provider (its own API key)",
      auth: 'apiKey',
      params: S.StreamerPath,
      body: 'PayoutAccountRequest',
      ok: [200, 'PayoutAccountResponse'],
      errors: [400, 401, 403, 422],
    },
  },
  '/api/streamers/{streamerId}/payouts': {
    get: {
      summary: "The streamer's payouts, newest first (its own API key)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'PayoutsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/admin/payouts/run': {
    post: {
      summary:
        'Retry pending payouts with their keys, then pay every owed balance of at least MIN_PAYOUT_MICROS through PAYOUT_PROVIDER (optional payeeKind)',
      auth: 'adminKey',
      body: 'PayoutRunRequest',
      ok: [200, 'PayoutRunResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/streamers/{streamerId}/streams': {
    get: {
      summary: "The streamer's streams, newest first (its own API key or the studio's cookie)",
      auth: 'apiKey',
      params: S.StreamerPath,
      ok: [200, 'StreamsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/streams/{streamId}/indexing': {
    get: {
      summary:
        "The indexer's progress on a stream (owner only): renditions found, segments indexed, its latest failure",
      auth: 'apiKey',
      params: S.StreamPath,
      ok: [200, 'IndexingResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streams/{streamId}/live': {
    get: {
      summary:
        'Live figures (owner only): server-sent events (text/event-stream, event `live` with a LiveSnapshot every 3 s), or one LiveSnapshot as JSON with ?format=json',
      auth: 'apiKey',
      params: S.StreamPath,
      query: S.LiveQuery,
      ok: [200, 'LiveSnapshot'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewers/{viewerId}/account': {
    post: {
      summary:
        'Claim a viewer account (email, password, display name) for this viewer id, which it keeps with its points, history and credit (a session secret that proved the viewer)',
      auth: 'sessionSecret',
      params: S.ViewerPath,
      body: 'ClaimViewerAccountRequest',
      ok: [201, 'ViewerAccountResponse'],
      errors: [400, 401, 403, 409],
    },
    get: {
      summary: "The viewer's own account (a session secret that proved the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'ViewerAccountResponse'],
      errors: [400, 401, 403, 404],
    },
    patch: {
      summary: "Change the account's display name (a session secret that proved the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      body: 'UpdateViewerAccountRequest',
      ok: [200, 'ViewerAccountResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewer-accounts/sign-in': {
    post: {
      summary:
        "Sign in to a viewer account on a device: answers the account's viewer id and a secret of this device (shown once) that proves it when creating sessions; one answer for an unknown email and a wrong password",
      auth: 'none',
      body: 'ViewerSignInRequest',
      ok: [200, 'ViewerSignedInResponse'],
      errors: [400, 401, 429],
    },
  },
  '/api/viewers/{viewerId}/account/sign-out': {
    post: {
      summary:
        'Sign out the device whose secret verified this session: its secret stops proving the viewer and its sessions stop authenticating as it; other devices stay signed in',
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [204, undefined],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewers/{viewerId}/follows': {
    post: {
      summary:
        "Follow the stream's streamer; the first follow of a streamer ever pays follow_streamer points when the session watches the stream (a session secret that proved the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      body: 'FollowRequest',
      ok: [200, 'FollowResponse'],
      errors: [400, 401, 403, 404],
    },
    get: {
      summary:
        'The streamers the viewer follows, newest first (a session secret that proved the viewer)',
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'FollowsResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/viewers/{viewerId}/follows/{streamerId}': {
    delete: {
      summary: 'Unfollow a streamer (following again pays nothing)',
      auth: 'sessionSecret',
      params: S.FollowPath,
      ok: [204, undefined],
      errors: [400, 401, 403],
    },
  },
  '/api/streams/{streamId}/followers': {
    get: {
      summary: "The number of viewers following the stream's streamer",
      auth: 'none',
      params: S.StreamPath,
      ok: [200, 'StreamFollowersResponse'],
      errors: [400, 404],
    },
  },
  '/api/streams/{streamId}/leaderboard': {
    get: {
      summary:
        "The stream's leaderboard by data served, uptime or points over a day, week or all time (names only; with ?viewerId= and that viewer's session secret, where it stands); cached 15 s",
      auth: 'optionalSessionSecret',
      params: S.StreamPath,
      query: S.LeaderboardQuery,
      ok: [200, 'LeaderboardResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streamers/{streamerId}/leaderboard': {
    get: {
      summary:
        "The leaderboard of all the streamer's streams, as the stream's (names only); cached 15 s",
      auth: 'optionalSessionSecret',
      params: S.StreamerPath,
      query: S.LeaderboardQuery,
      ok: [200, 'LeaderboardResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/streamers/{streamerId}/growth': {
    get: {
      summary:
        "The streamer's growth funnel (its own API key or studio session): viewers, registered, engaged, supporters, conversions, viral coefficient, referral conversion",
      auth: 'apiKey',
      params: S.StreamerPath,
      query: S.GrowthQuery,
      ok: [200, 'GrowthResponse'],
      errors: [400, 401, 403, 404],
    },
  },
  '/api/viewers/{viewerId}/export': {
    get: {
      summary:
        "Everything held about the viewer as one JSON document, streamed (the viewer's secret, one of its devices' secrets, or a session secret that proved the viewer)",
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'ViewerExportResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/viewers/{viewerId}/erasure': {
    post: {
      summary:
        'Erase the viewer across every table in one transaction, keeping payment records pseudonymised; a repeat answers already_erased (the same secrets as the export)',
      auth: 'sessionSecret',
      params: S.ViewerPath,
      ok: [200, 'ErasureResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/admin/viewers/{viewerId}/export': {
    get: {
      summary: "A viewer's export, for a request received by other means (admin key)",
      auth: 'adminKey',
      params: S.ViewerPath,
      ok: [200, 'ViewerExportResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/admin/viewers/{viewerId}/erasure': {
    post: {
      summary: "A viewer's erasure, for a request received by other means (admin key)",
      auth: 'adminKey',
      params: S.ViewerPath,
      ok: [200, 'ErasureResponse'],
      errors: [400, 401, 403],
    },
  },
  '/api/admin/payouts': {
    get: {
      summary: 'Payouts, newest first, at most 1,000 (optional ?status=pending|paid|failed)',
      auth: 'adminKey',
      query: S.PayoutsQuery,
      ok: [200, 'PayoutsResponse'],
      errors: [400, 401, 403],
    },
  },
};

export const OPENAPI_DOCUMENT = Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'StreamrP2P coordinator',
    version: COORDINATOR_VERSION,
    description:
      'Streams, segment roots, sessions, receipts, challenges and points. Errors are `{ error: { code, message } }`.',
  },
  components: {
    schemas: COMPONENTS,
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A streamer API key' },
      sessionSecret: { type: 'http', scheme: 'bearer', description: 'A session secret' },
      adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY' },
      sessionCookie: {
        type: 'apiKey',
        in: 'cookie',
        name: 'streamrp2p_session',
        description:
          'The studio sign-in (POST /api/auth/sign-in); POST, PUT, PATCH and DELETE also need the X-CSRF-Token header of the sign-in answer, and a same-origin Origin when one is sent',
      },
    },
  },
  paths: Object.fromEntries(
    Object.entries(ROUTES).map(([path, methods]) => [
      path,
      Object.fromEntries(
        Object.entries(methods).map(([method, op]) => [method, operation(path, op)]),
      ),
    ]),
  ),
});
