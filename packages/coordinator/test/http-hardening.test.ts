/**
 * The HTTP layer against clients that misbehave: stalled requests, spoofed X-Forwarded-For,
 * probing session ids, the other form of an ECDSA signature.
 */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { startCoordinator } from './api.js';
import { describeWithDatabases } from './databases.js';
import { createSession, createStream, createStreamer, signBatch } from './fixtures.js';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Writes `text` on a fresh connection, then waits for the server to close it. */
function closedAfter(url: string, text: string): Promise<{ received: string; ms: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    const socket = connect(Number(port), hostname, () => socket.write(text));
    socket.on('data', (d: Buffer) => (received += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ received, ms: Date.now() - started }));
  });
}

describeWithDatabases('http hardening', (t) => {
  it('closes a request whose body never comes, or whose headers never end, with 408', async () => {
    const { url } = await startCoordinator(t, {
      indexerEnabled: false,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1000,
      keepAliveTimeoutMs: 300,
    });
    const noBody = await closedAfter(
      url,
      'POST /api/streamers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 50\r\n\r\n',
    );
    expect(noBody.received).toMatch(/^HTTP\/1\.1 408/);
    // Node checks once a second: well under its default of 300 s, whatever the machine load.
    expect(noBody.ms).toBeLessThan(20_000);
    const halfHeaders = await closedAfter(url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect(halfHeaders.received).toMatch(/^HTTP\/1\.1 408/);
    // An idle keep-alive connection is closed after its response.
    const idle = await closedAfter(url, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(idle.received).toMatch(/^HTTP\/1\.1 200/);
  });

  it('takes the client address from the trusted end of X-Forwarded-For, never its left-most entry', async () => {
    const cases: Array<[trustProxy: false | number | string, forwarded: string, ip: RegExp]> = [
      [1, '6.6.6.6, 10.9.8.7', /^10\.9\.8\.7$/],
      [2, '6.6.6.6, 10.9.8.7, 10.0.0.2', /^10\.9\.8\.7$/],
      ['loopback', '6.6.6.6, 10.9.8.7', /^10\.9\.8\.7$/],
      ['loopback, 10.9.8.0/24', '6.6.6.6, 10.9.8.7', /^6\.6\.6\.6$/],
      [false, '6.6.6.6', /127\.0\.0\.1$/],
    ];
    for (const [trustProxy, forwarded, expected] of cases) {
      const { api, coordinator } = await startCoordinator(t, {
        indexerEnabled: false,
        trustProxy,
      });
      const { apiKey } = await createStreamer(api, 'proxied');
      const stream = await createStream(api, apiKey);
      const session = await createSession(api, stream.streamId, { ip: forwarded });
      const row = await coordinator.db
        .selectFrom('sessions')
        .select('ip')
        .where('id', '=', session.sessionId)
        .executeTakeFirstOrThrow();
      expect(row.ip, `${String(trustProxy)} ${forwarded}`).toMatch(expected);
      await coordinator.close();
    }
  });

  it('answers an unknown session id and a wrong secret alike', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const session = await createSession(api, stream.streamId);
    const other = await createSession(api, stream.streamId);
    const unknown = 'no-such-session';
    const probes: Array<
      [
        string,
        (
          id: string,
          secret: string,
        ) => Promise<{ status: number; body: { error?: { code: string; message: string } } }>,
      ]
    > = [
      [
        'token',
        (id, secret) => api.post(`/api/sessions/${id}/token`, undefined, { token: secret }),
      ],
      ['summary', (id, secret) => api.get(`/api/sessions/${id}`, { token: secret })],
      ['challenges', (id, secret) => api.get(`/api/sessions/${id}/challenges`, { token: secret })],
      [
        'answer',
        (id, secret) =>
          api.post(`/api/sessions/${id}/challenges/c1`, { proof: [] }, { token: secret }),
      ],
      [
        'receipts',
        async (id, secret) =>
          api.post(
            '/api/receipts',
            { ...(await signBatch(session, [])), sessionId: id },
            { token: secret },
          ),
      ],
      ['end', (id, secret) => api.delete(`/api/sessions/${id}`, { token: secret })],
    ];
    for (const [name, probe] of probes) {
      const wrongSecret = await probe(session.sessionId, other.sessionSecret);
      const unknownId = await probe(unknown, other.sessionSecret);
      expect([wrongSecret.status, wrongSecret.body.error?.code], name).toEqual([
        404,
        'SESSION_NOT_FOUND',
      ]);
      expect([unknownId.status, unknownId.body.error?.code], name).toEqual([
        404,
        'SESSION_NOT_FOUND',
      ]);
      expect(wrongSecret.body.error?.message.replace(session.sessionId, '<id>'), name).toBe(
        unknownId.body.error?.message.replace(unknown, '<id>'),
      );
    }
    // The session itself was not touched by the probes.
    const own = await api.get(`/api/sessions/${session.sessionId}`, {
      token: session.sessionSecret,
    });
    expect(own.status).toBe(200);
  });

  it('refuses the high-S form of a valid batch signature', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const { apiKey } = await createStreamer(api);
    const stream = await createStream(api, apiKey);
    const receiver = await createSession(api, stream.streamId);
    const low = await signBatch(receiver, []);
    const bytes = Buffer.from(low.signature, 'base64url');
    const s = BigInt(`0x${bytes.subarray(32).toString('hex')}`);
    bytes.set(Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex'), 32);
    const high = { ...low, signature: bytes.toString('base64url') };
    const refused = await api.post('/api/receipts', high, { token: receiver.sessionSecret });
    expect([refused.status, refused.body.error?.code]).toEqual([400, 'BAD_SIGNATURE']);
    const accepted = await api.post('/api/receipts', low, { token: receiver.sessionSecret });
    expect(accepted.status).toBe(200);
  });
  it('documents the 503 with Retry-After and the 415 in the OpenAPI document', async () => {
    const { api } = await startCoordinator(t, { indexerEnabled: false });
    const doc = (await api.get('/api/openapi.json')).body;
    const receipts = doc.paths['/api/receipts'].post.responses;
    expect(receipts['503'].headers).toHaveProperty('Retry-After');
    expect(receipts).toHaveProperty('415');
    expect(doc.paths['/metrics'].get.responses).not.toHaveProperty('503');
  });
});
