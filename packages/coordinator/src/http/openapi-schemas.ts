/** JSON Schemas (OpenAPI 3.1) of every body, mirroring `@streamrp2p/protocol`'s coordinator-api.ts. */

/** A JSON Schema object, loosely typed (OpenAPI 3.1 uses JSON Schema 2020-12). */
export type Schema = { [key: string]: unknown };

const str = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
const int = (description?: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
const num = (description?: string): Schema => ({
  type: 'number',
  minimum: 0,
  maximum: 1,
  ...(description ? { description } : {}),
});
const obj = (
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const id = str('An id: 1-128 characters of [A-Za-z0-9._-]', { pattern: '^[A-Za-z0-9._-]{1,128}$' });
const hex32 = str('32 bytes, lowercase hex', { pattern: '^[0-9a-f]{64}$' });
const status = str('Points status', { enum: ['none', 'account_prompt', 'vip'] });

export const SCHEMAS: Record<string, Schema> = {
  ApiErrorBody: obj({ error: obj({ code: str('Error code (see README)'), message: str() }) }),
  CreateStreamerRequest: obj({ name: str(undefined, { minLength: 1, maxLength: 200 }) }),
  CreateStreamerResponse: obj({
    streamerId: str(),
    name: str(),
    apiKey: str('Shown once; send as Bearer'),
  }),
  CreateStreamRequest: obj(
    { hlsUrl: str('Master or media playlist, http(s)', { format: 'uri' }), title: str() },
    ['hlsUrl'],
  ),
  UpdateStreamRequest: obj({ hlsUrl: str(undefined, { format: 'uri' }), title: str() }, []),
  StreamResponse: obj(
    {
      streamId: str(),
      streamerId: str(),
      hlsUrl: str(),
      title: str(),
      renditions: { type: 'array', items: str() },
      createdAt: str(undefined, { format: 'date-time' }),
      embedSnippet: str('Owner only'),
    },
    ['streamId', 'streamerId', 'hlsUrl', 'title', 'renditions', 'createdAt'],
  ),
  SegmentRoot: obj({ sequence: int(), root: hex32, byteLength: int() }),
  SegmentRootsResponse: obj({
    streamId: str(),
    rendition: str(),
    roots: { type: 'array', items: ref('SegmentRoot') },
  }),
  CreateSessionRequest: obj(
    {
      streamId: id,
      viewerId: id,
      publicKey: str('Raw uncompressed P-256 public key (65 bytes), base64url'),
    },
    ['streamId', 'publicKey'],
  ),
  SessionResponse: obj({
    sessionId: str(),
    peerId: str(),
    viewerId: str(),
    sessionSecret: str(),
    trackerToken: str(),
    trackerTokenExpiresAt: int('Unix seconds'),
  }),
  TrackerTokenResponse: obj({ trackerToken: str(), trackerTokenExpiresAt: int('Unix seconds') }),
  SessionSummaryResponse: obj({
    sessionId: str(),
    streamId: str(),
    viewerId: str(),
    peerId: str(),
    createdAt: str(undefined, { format: 'date-time' }),
    lastSeenAt: str(undefined, { format: 'date-time' }),
    live: { type: 'boolean' },
    creditedBytes: int(),
    challengesPassed: int(),
    challengesFailed: int(),
    watchSeconds: int(),
    reputation: num("0..1, its viewer's"),
  }),
  ReceiptBody: obj({
    uploaderPeerId: id,
    streamId: id,
    rendition: id,
    sequence: int(undefined, { minimum: 0, maximum: 4294967295 }),
    root: hex32,
    byteLength: int(undefined, { minimum: 0, maximum: 4294967295 }),
    timestamp: { type: 'number', description: 'Unix milliseconds' },
  }),
  PostReceiptsRequest: obj(
    {
      sessionId: id,
      receipts: { type: 'array', maxItems: 500, items: ref('ReceiptBody') },
      signature: str(
        "The receiver's one signature for the batch: ECDSA P-256/SHA-256 over " +
          'encodeReceiptBatch({ receiverSessionId: sessionId, receipts }), IEEE P1363 (64 bytes), base64url',
      ),
      tickets: {
        type: 'array',
        maxItems: 64,
        items: str('A meeting ticket from the tracker (decision 22), opaque', {
          minLength: 1,
          maxLength: 1024,
        }),
        description:
          "Meeting tickets covering the batch's uploaders: without one naming this session's and " +
          "the uploader's peer ids in the receipt's swarm, a receipt is rejected NO_TICKET",
      },
    },
    ['sessionId', 'receipts', 'signature'],
  ),
  ReceiptOutcome: {
    type: 'object',
    properties: {
      index: int(),
      status: str(undefined, { enum: ['credited', 'duplicate', 'rejected'] }),
      code: str('Rejection code, when rejected'),
      message: str(),
    },
    required: ['index', 'status'],
  },
  PostReceiptsResponse: obj({
    credited: int(),
    duplicates: int(),
    rejected: int(),
    results: { type: 'array', items: ref('ReceiptOutcome') },
  }),
  Challenge: obj({
    challengeId: str(),
    streamId: str(),
    rendition: str(),
    sequence: int(),
    leafIndex: int(),
    expiresAt: str(undefined, { format: 'date-time' }),
  }),
  ChallengesResponse: obj({ challenges: { type: 'array', items: ref('Challenge') } }),
  ChallengeAnswerRequest: obj({
    leafHash: hex32,
    siblings: { type: 'array', maxItems: 32, items: hex32 },
  }),
  ChallengeAnswerResponse: obj(
    {
      challengeId: str(),
      passed: { type: 'boolean' },
      reason: str(undefined, { enum: ['WRONG_PROOF', 'EXPIRED'] }),
    },
    ['challengeId', 'passed'],
  ),
  PointsRequest: obj(
    {
      viewer_id: id,
      stream_id: id,
      action: str(undefined, {
        enum: ['watch_time', 'chat_message', 'follow_streamer', 'share_stream'],
      }),
      duration_seconds: {
        type: 'number',
        minimum: 0,
        maximum: 3600,
        description: 'watch_time only (required there)',
      },
      timestamp: { oneOf: [str(undefined, { format: 'date-time' }), { type: 'number' }] },
    },
    ['viewer_id', 'stream_id', 'action', 'timestamp'],
  ),
  PointsResponse: obj({
    viewer_id: str(),
    awarded: int(),
    balance: int(),
    multiplier: int(),
    status,
  }),
  PointsBalanceResponse: obj({ viewer_id: str(), balance: int(), status, credited_bytes: int() }),
  Health: obj({ status: str(undefined, { const: 'ok' }) }),
  ReputationParts: obj({ uptime: num(), challenges: num(), diversity: num(), age: num() }),
  ViewerCreditResponse: obj({
    viewerId: str(),
    creditedBytes: int('All verified credit'),
    payableBytes: int('Payable now: reputation at or above the threshold, not frozen'),
    frozenBytes: int('Held for review or voided'),
    pendingReviewBytes: int('The held part of frozenBytes'),
    reputation: num('0..1'),
    reputationParts: ref('ReputationParts'),
  }),
  HoldResponse: obj({
    holdId: str(),
    streamId: str(),
    status: str(undefined, { enum: ['held', 'released', 'voided'] }),
    score: int(),
    reasons: { type: 'array', items: obj({ code: str(), message: str() }) },
    sessions: { type: 'array', items: obj({ sessionId: str(), viewerId: str() }) },
    creditedBytes: int(),
    createdAt: str(undefined, { format: 'date-time' }),
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
  }),
  HoldsResponse: obj({ holds: { type: 'array', items: ref('HoldResponse') } }),
};
