/**
 * A small fake coordinator for the unit tests: a real HTTP server on port 0 implementing just
 * enough of the API contract (protocol/src/coordinator-api.ts), with switches to fail.
 * Test-only: excluded from the build (`*.fixture.ts`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ACCOUNT_PROMPT_POINTS,
  buildMerkleTree,
  bytesToHex,
  encodeReceiptBatch,
  hexToBytes,
  RECEIPT_SIGNATURE_ALGORITHM,
  verifyMerkleProof,
  VIP_POINTS,
  type Challenge,
  type ReceiptBody,
  type ReceiptOutcome,
  type SegmentRoot,
} from '@streamrp2p/protocol';
import { fromBase64Url } from './base64url.js';

export type FailMode = 'ok' | '503' | '429' | 'hang' | 'close' | 'garbage';

interface FakeSession {
  sessionId: string;
  peerId: string;
  viewerId: string;
  secret: string;
  publicKey: CryptoKey;
  ended: boolean;
}

type Json = Record<string, unknown>;

export class FakeCoordinator {
  url = '';
  /** How the server answers requests whose path matches `failPaths` (all when undefined). */
  failMode: FailMode = 'ok';
  failPaths: RegExp | undefined;
  /** Receipts are processed, then the answer waits this long (to outlast a client timeout). */
  receiptAnswerDelayMs = 0;
  tokenTtlSeconds = 3600;
  now = () => Date.now();
  /** Receipt rejection rule, checked once the batch signature verified. */
  rejectReceipt: (receipt: ReceiptBody) => { code: string; message: string } | undefined = () =>
    undefined;
  /** Points for a request (before the balance update). */
  pointsFor: (body: Json) => number = (body) =>
    body.action === 'watch_time' ? Math.floor(Number(body.duration_seconds) / 60) : 5;
  readonly requests: { method: string; path: string; auth: string | undefined; body: unknown }[] =
    [];
  readonly sessions = new Map<string, FakeSession>();
  readonly roots = new Map<string, SegmentRoot>();
  /** Times each receipt (by uploader, rendition, sequence, receiver) was credited. */
  readonly credited = new Map<string, number>();
  readonly receiptBatches: number[] = [];
  readonly challenges = new Map<string, Challenge[]>();
  readonly answers: { challengeId: string; passed: boolean }[] = [];
  readonly balances = new Map<string, number>();
  readonly pointsRequests: Json[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private nextId = 1;

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  async addSegment(rendition: string, sequence: number, bytes: Uint8Array): Promise<SegmentRoot> {
    const root = {
      sequence,
      root: bytesToHex((await buildMerkleTree(bytes)).root),
      byteLength: bytes.length,
    };
    this.roots.set(`${rendition}\n${sequence}`, root);
    return root;
  }

  addChallenge(
    sessionId: string,
    challenge: Omit<Challenge, 'challengeId' | 'expiresAt'> & { expiresAt?: string },
  ): string {
    const challengeId = `ch${this.nextId++}`;
    const list = this.challenges.get(sessionId) ?? [];
    list.push({
      challengeId,
      expiresAt: new Date(this.now() + 60_000).toISOString(),
      ...challenge,
    });
    this.challenges.set(sessionId, list);
    return challengeId;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : undefined) as Json | undefined;
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, auth, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, code: string) =>
      send(status, { error: { code, message: `fake: ${code}` } });
    if (this.failMode !== 'ok' && (!this.failPaths || this.failPaths.test(url.pathname))) {
      if (this.failMode === 'hang') return;
      if (this.failMode === 'close') return void req.socket.destroy();
      if (this.failMode === 'garbage') return void res.end('<html>bad gateway</html>');
      res.setHeader('retry-after', '0');
      return error(this.failMode === '503' ? 503 : 429, 'UNAVAILABLE');
    }
    const route = `${method} ${url.pathname}`;
    let m: RegExpMatchArray | null;
    if (route === 'POST /api/sessions') return send(201, await this.createSession(body ?? {}));
    if ((m = route.match(/^GET \/api\/streams\/([^/]+)\/roots$/))) {
      const rendition = url.searchParams.get('rendition') ?? '';
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      const roots = [...this.roots.entries()]
        .filter(
          ([k, r]) => k.startsWith(`${rendition}\n`) && r.sequence >= from && r.sequence <= to,
        )
        .map(([, r]) => r);
      return send(200, { streamId: m[1], rendition, roots });
    }
    if ((m = route.match(/^(POST|GET|DELETE) \/api\/sessions\/([^/]+)(\/.*)?$/))) {
      const session = this.sessions.get(decodeURIComponent(m[2]!));
      // As the coordinator: an unknown session and a wrong secret get the same answer.
      if (!session || session.secret !== auth) return error(404, 'SESSION_NOT_FOUND');
      if (session.ended && method !== 'DELETE') return error(401, 'SESSION_EXPIRED');
      const rest = m[3] ?? '';
      if (method === 'DELETE' && rest === '') {
        if (session.ended) return error(401, 'SESSION_EXPIRED');
        session.ended = true;
        return void res.writeHead(204).end();
      }
      if (method === 'POST' && rest === '/token') return send(200, this.token());
      if (method === 'GET' && rest === '/challenges') {
        return send(200, { challenges: this.challenges.get(session.sessionId) ?? [] });
      }
      const answer = rest.match(/^\/challenges\/([^/]+)$/);
      if (method === 'POST' && answer)
        return send(200, await this.answer(session, decodeURIComponent(answer[1]!), body ?? {}));
    }
    if (route === 'POST /api/receipts') {
      const session = this.sessions.get(String(body?.sessionId));
      if (!session || session.secret !== auth) return error(404, 'SESSION_NOT_FOUND');
      if (session.ended) return error(401, 'SESSION_EXPIRED');
      const receipts = (body?.receipts ?? []) as ReceiptBody[];
      this.receiptBatches.push(receipts.length);
      const bytes = encodeReceiptBatch({
        receiverSessionId: session.sessionId,
        receipts: receipts.map((r) => ({ ...r, root: hexToBytes(r.root) })),
      });
      const signature = typeof body?.signature === 'string' ? body.signature : '';
      if (!(await this.verifySignature(session.sessionId, bytes, signature))) {
        return error(400, 'BAD_SIGNATURE');
      }
      const results = this.receipts(session, receipts);
      if (this.receiptAnswerDelayMs)
        await new Promise((r) => setTimeout(r, this.receiptAnswerDelayMs));
      const tally = (s: string) => results.filter((r) => r.status === s).length;
      return send(200, {
        credited: tally('credited'),
        duplicates: tally('duplicate'),
        rejected: tally('rejected'),
        results,
      });
    }
    if (route === 'POST /api/viewers/points') {
      const session = [...this.sessions.values()].find((s) => s.secret === auth);
      if (!session || body?.viewer_id !== session.viewerId) return error(401, 'UNAUTHORIZED');
      this.pointsRequests.push(body);
      const awarded = this.pointsFor(body);
      const balance = (this.balances.get(session.viewerId) ?? 0) + awarded;
      this.balances.set(session.viewerId, balance);
      const status =
        balance >= VIP_POINTS
          ? 'vip'
          : balance >= ACCOUNT_PROMPT_POINTS
            ? 'account_prompt'
            : 'none';
      return send(200, { viewer_id: session.viewerId, awarded, balance, multiplier: 1, status });
    }
    error(404, 'NOT_FOUND');
  }

  private token() {
    const trackerTokenExpiresAt = Math.floor(this.now() / 1000) + this.tokenTtlSeconds;
    return { trackerToken: `token-${this.nextId++}`, trackerTokenExpiresAt };
  }

  private async createSession(body: Json) {
    const raw = fromBase64Url(String(body.publicKey));
    if (raw.length !== 65 || raw[0] !== 4)
      throw new Error('public key is not a raw uncompressed P-256 point');
    const publicKey = await crypto.subtle.importKey(
      'raw',
      raw,
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    );
    const n = this.nextId++;
    const session: FakeSession = {
      sessionId: `s${n}`,
      peerId: `peer${n}`,
      viewerId: typeof body.viewerId === 'string' ? body.viewerId : `viewer-${n}`,
      secret: `secret-${n}`,
      publicKey,
      ended: false,
    };
    this.sessions.set(session.sessionId, session);
    return {
      sessionId: session.sessionId,
      peerId: session.peerId,
      viewerId: session.viewerId,
      sessionSecret: session.secret,
      ...this.token(),
      // As the coordinator: a new viewer's secret is answered once; a later session proves the
      // viewer by sending it back.
      ...(typeof body.viewerId === 'string'
        ? { viewerVerified: body.viewerSecret === `viewer-secret-of-${body.viewerId}` }
        : { viewerVerified: true, viewerSecret: `viewer-secret-of-${session.viewerId}` }),
    };
  }

  /** Whether `signature` (base64url P1363) signs `bytes` with the session's key. */
  async verifySignature(
    sessionId: string,
    bytes: Uint8Array<ArrayBuffer>,
    signature: string,
  ): Promise<boolean> {
    const session = this.sessions.get(sessionId)!;
    const algorithm = { name: 'ECDSA', hash: RECEIPT_SIGNATURE_ALGORITHM.hash };
    return crypto.subtle.verify(algorithm, session.publicKey, fromBase64Url(signature), bytes);
  }

  private receipts(session: FakeSession, receipts: ReceiptBody[]): ReceiptOutcome[] {
    const results: ReceiptOutcome[] = [];
    for (const [index, r] of receipts.entries()) {
      const rejection = this.rejectReceipt(r);
      if (rejection) {
        results.push({ index, status: 'rejected', ...rejection });
        continue;
      }
      const key = `${r.uploaderPeerId}|${r.rendition}|${r.sequence}|${session.sessionId}`;
      const seen = this.credited.get(key) ?? 0;
      if (seen === 0) this.credited.set(key, 1);
      results.push({ index, status: seen === 0 ? 'credited' : 'duplicate' });
    }
    return results;
  }

  private async answer(session: FakeSession, challengeId: string, body: Json) {
    const list = this.challenges.get(session.sessionId) ?? [];
    const challenge = list.find((c) => c.challengeId === challengeId);
    if (!challenge) return { challengeId, passed: false, reason: 'UNKNOWN' };
    this.challenges.set(
      session.sessionId,
      list.filter((c) => c !== challenge),
    );
    const root = this.roots.get(`${challenge.rendition}\n${challenge.sequence}`)!;
    const passed = await verifyMerkleProof({
      leafIndex: challenge.leafIndex,
      byteLength: root.byteLength,
      leafHash: hexToBytes(String(body.leafHash)),
      siblings: (body.siblings as string[]).map((s) => hexToBytes(s)),
      root: hexToBytes(root.root),
    });
    this.answers.push({ challengeId, passed });
    return passed ? { challengeId, passed } : { challengeId, passed, reason: 'WRONG_PROOF' };
  }
}

/** Starts a fake coordinator on port 0. */
export function startFakeCoordinator(): Promise<FakeCoordinator> {
  return new FakeCoordinator().listen();
}

/** Resolves once `condition()` holds; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A `localStorage` stand-in. */
export function memoryStorage(): {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  data: Map<string, string>;
} {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}
