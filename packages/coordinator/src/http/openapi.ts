/**
 * The OpenAPI 3.1 description served at `/api/openapi.json`: every route, its auth, bodies and
 * error statuses. Bodies, query strings and path parameters are the very schemas the routes
 * validate with (`@streamrp2p/protocol/api-schemas`, decision 29); a test checks that every
 * express route appears here and that each route validates with what the document says.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import * as S from '@streamrp2p/protocol/api-schemas';

type Method = 'get' | 'post' | 'patch' | 'delete';
type Auth = 'apiKey' | 'sessionSecret' | 'sessionOrApiKey' | 'optionalApiKey' | 'adminKey' | 'none';

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
  apiKey: [{ apiKey: [] }],
  sessionSecret: [{ sessionSecret: [] }],
  sessionOrApiKey: [{ sessionSecret: [] }, { apiKey: [] }],
  optionalApiKey: [{}, { apiKey: [] }],
  adminKey: [{ adminKey: [] }],
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
};

export const OPENAPI_DOCUMENT = Object.freeze({
  openapi: '3.1.0',
  info: {
    title: 'StreamrP2P coordinator',
    version: '0.1.0',
    description:
      'Streams, segment roots, sessions, receipts, challenges and points. Errors are `{ error: { code, message } }`.',
  },
  components: {
    schemas: COMPONENTS,
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A streamer API key' },
      sessionSecret: { type: 'http', scheme: 'bearer', description: 'A session secret' },
      adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_API_KEY' },
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
