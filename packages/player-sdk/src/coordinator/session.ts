import {
  RECEIPT_SIGNATURE_ALGORITHM,
  toLowS,
  type CreateSessionRequest,
  type SessionSummaryResponse,
} from '@streamrp2p/protocol';
import type { ApiClient } from './api-client.js';
import { toBase64Url } from './base64url.js';
import { parseSession, parseSessionSummary, parseTrackerToken } from './responses.js';
import {
  readViewerId,
  readViewerSecret,
  storeViewerId,
  storeViewerSecret,
  type ViewerIdStorage,
} from './viewer-id.js';
import { pageReferralCode, validReferralCode } from './referral-code.js';

/** Who we are at the coordinator, once the session exists. */
export interface SessionInfo {
  sessionId: string;
  /** Server-assigned peer id, which the tracker token carries. */
  peerId: string;
  viewerId: string;
}

export interface SessionOptions {
  streamId: string;
  /** An explicit viewer id (an account); otherwise the stored one, else the server's. */
  viewerId: string | undefined;
  /** The share link's code (decision 43); otherwise the page URL's `?ref=`. */
  referralCode?: string | undefined;
  storage: ViewerIdStorage | undefined;
  /** Unix milliseconds. */
  now: () => number;
  /** Refresh a tracker token that expires within this time. */
  tokenRefreshMarginMs: number;
}

const SIGN_PARAMS = {
  name: RECEIPT_SIGNATURE_ALGORITHM.name,
  hash: RECEIPT_SIGNATURE_ALGORITHM.hash,
};

/**
 * A viewer session at the coordinator: an ECDSA P-256 key pair whose private half never leaves
 * WebCrypto, the session's ids and secret, and a tracker token kept fresh.
 *
 * @example
 * const session = await Session.create(api, { streamId: 'demo', ...options });
 * const token = await session.trackerToken();
 * const signature = await session.sign(encodeReceiptBatch({ receiverSessionId, receipts }));
 */
export class Session implements SessionInfo {
  readonly sessionId: string;
  readonly peerId: string;
  readonly viewerId: string;
  /** Bearer secret of the session's own endpoints. */
  readonly secret: string;
  private token: string;
  private tokenExpiresAtMs: number;
  private refreshing: Promise<string> | undefined;

  private constructor(
    private readonly api: ApiClient,
    private readonly privateKey: CryptoKey,
    private readonly options: SessionOptions,
    response: ReturnType<typeof parseSession>,
  ) {
    this.sessionId = response.sessionId;
    this.peerId = response.peerId;
    this.viewerId = response.viewerId;
    this.secret = response.sessionSecret;
    this.token = response.trackerToken;
    this.tokenExpiresAtMs = response.trackerTokenExpiresAt * 1000;
  }

  /** Generates the key pair and creates the session (`POST /api/sessions`). */
  static async create(api: ApiClient, options: SessionOptions): Promise<Session> {
    const keys = await subtle().generateKey(
      {
        name: RECEIPT_SIGNATURE_ALGORITHM.name,
        namedCurve: RECEIPT_SIGNATURE_ALGORITHM.namedCurve,
      },
      false, // the private key can sign, never be read
      ['sign', 'verify'],
    );
    const publicKey = new Uint8Array(await subtle().exportKey('raw', keys.publicKey));
    const viewerId = options.viewerId ?? readViewerId(options.storage);
    const viewerSecret =
      viewerId === undefined ? undefined : readViewerSecret(options.storage, viewerId);
    // The coordinator counts it only for a viewer it has never seen (a share link's newcomer).
    const referralCode = validReferralCode(options.referralCode) ?? pageReferralCode();
    const body: CreateSessionRequest = {
      streamId: options.streamId,
      publicKey: toBase64Url(publicKey),
      ...(viewerId === undefined ? {} : { viewerId }),
      ...(viewerSecret === undefined ? {} : { viewerSecret }),
      ...(referralCode === undefined ? {} : { referralCode }),
    };
    const response = parseSession(
      await api.request({ method: 'POST', path: '/api/sessions', body }),
    );
    // An account id given by the page is not ours to remember; an anonymous one is.
    if (options.viewerId === undefined) storeViewerId(options.storage, response.viewerId);
    // The viewer's secret, answered once when the coordinator created the viewer, proves later
    // sessions are this viewer (statements, payout settings).
    if (response.viewerSecret !== undefined) {
      storeViewerSecret(options.storage, response.viewerId, response.viewerSecret);
    }
    return new Session(api, keys.privateKey, options, response);
  }

  get info(): SessionInfo {
    return { sessionId: this.sessionId, peerId: this.peerId, viewerId: this.viewerId };
  }

  /** When the current tracker token expires, Unix milliseconds. */
  get trackerTokenExpiresAt(): number {
    return this.tokenExpiresAtMs;
  }

  /**
   * A tracker token valid for at least `tokenRefreshMarginMs` when possible: refreshed
   * (`POST /api/sessions/:id/token`, one request for concurrent callers) when it expires sooner.
   * If the refresh fails, the current token is returned while it has not expired yet.
   */
  async trackerToken(): Promise<string> {
    const now = this.options.now();
    if (now < this.tokenExpiresAtMs - this.options.tokenRefreshMarginMs) return this.token;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    try {
      return await this.refreshing;
    } catch (error) {
      if (this.options.now() < this.tokenExpiresAtMs) return this.token;
      throw error;
    }
  }

  /**
   * ECDSA P-256 / SHA-256 signature of `bytes`, IEEE P1363 (r || s, 64 bytes), low-S,
   * base64url.
   */
  async sign(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
    // WebCrypto's ECDSA output already is r || s, the P1363 form the coordinator expects; its
    // s is high half the time, and the coordinator accepts only the low-S twin of a signature.
    const raw = new Uint8Array(await subtle().sign(SIGN_PARAMS, this.privateKey, bytes));
    return toBase64Url(toLowS(raw));
  }

  /** The coordinator's view of this session: credit earned, challenges, watch time. */
  async summary(): Promise<SessionSummaryResponse> {
    return parseSessionSummary(
      await this.api.request({
        method: 'GET',
        path: `/api/sessions/${encodeURIComponent(this.sessionId)}`,
        bearer: this.secret,
      }),
    );
  }

  /** Ends the session (`DELETE /api/sessions/:id`), best effort: returns whether it worked. */
  async end(timeoutMs: number): Promise<boolean> {
    try {
      await this.api.request({
        method: 'DELETE',
        path: `/api/sessions/${encodeURIComponent(this.sessionId)}`,
        bearer: this.secret,
        timeoutMs,
      });
      return true;
    } catch {
      return false; // The coordinator expires abandoned sessions on its own.
    }
  }

  private async refresh(): Promise<string> {
    const response = parseTrackerToken(
      await this.api.request({
        method: 'POST',
        path: `/api/sessions/${encodeURIComponent(this.sessionId)}/token`,
        bearer: this.secret,
      }),
    );
    this.token = response.trackerToken;
    this.tokenExpiresAtMs = response.trackerTokenExpiresAt * 1000;
    return this.token;
  }
}

function subtle(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'WebCrypto crypto.subtle is unavailable (browsers expose it only to https pages)',
    );
  }
  return subtle;
}
