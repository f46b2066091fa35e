/**
 * Sybil and payload limits: connections per address over all swarms, joins limited to the
 * renditions the token names, and binary packets refused before anything is buffered.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signTrackerToken } from '../src/index.js';
import {
  connect,
  disconnection,
  openClient,
  ref,
  refusedConnection,
  request,
  startTracker,
} from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const secret = 'tracker-secret-for-abuse-0123';
const redisUp = await redisAvailable();

function auth(peerId: string, renditions?: string[]) {
  const exp = Math.floor(Date.now() / 1000) + 60;
  return { v: 1, token: signTrackerToken(secret, { peerId, streamId: 's1', renditions, exp }) };
}

/** Opens a raw engine.io websocket and completes the socket.io handshake. */
async function rawSocket(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('0')) ws.send('40{"v":1}');
      if (text.startsWith('42["welcome"')) resolve();
    });
    ws.once('error', reject);
  });
  return { ws, closed };
}

describe('connections per address', () => {
  it('caps sockets from one IP over all swarms, and frees a place on disconnect', async () => {
    const { url, tracker } = await startTracker({ maxSocketsPerIp: 3, trustProxy: 1 });
    const ip = '203.0.113.9';
    const clients = [];
    for (let i = 0; i < 3; i++) {
      const { client } = await connect(url, { ip });
      // Each in a swarm of its own: the cap is not per swarm.
      expect(await request(client, 'join', ref(`s${i}`))).toMatchObject({ ok: true });
      clients.push(client);
    }
    const refused = await refusedConnection(url, { ip });
    expect(refused.data).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    // Another address is not affected.
    await connect(url, { ip: '203.0.113.10' });
    // A disconnect frees its place.
    const gone = disconnection(clients[0]!);
    clients[0]!.disconnect();
    await gone;
    await expect
      .poll(async () => (await connect(url, { ip }).catch(() => undefined)) !== undefined)
      .toBe(true);
    expect((await tracker.stats()).rejectedTotal.TOO_MANY_CONNECTIONS).toBe(1);
  });

  it('reads the address a trusted proxy appended, not one the client wrote', async () => {
    const { url } = await startTracker({ maxSocketsPerIp: 1, trustProxy: 1 });
    // Spoofed left-most entries differ; the proxy-appended (right-most) one is the same.
    await connect(url, { ip: '1.1.1.1, 198.51.100.4' });
    const refused = await refusedConnection(url, { ip: '2.2.2.2, 198.51.100.4' });
    expect(refused.data).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
  });
});

describe.skipIf(!redisUp)('connections per address in cluster mode', () => {
  it('counts the connections of one IP over every process', async () => {
    const keyPrefix = `test-${randomBytes(6).toString('hex')}:`;
    const shared = { redisUrl: REDIS_URL, keyPrefix, trustProxy: 1, maxSocketsPerIp: 2 };
    const [a, b] = await Promise.all([startTracker(shared), startTracker(shared)]);
    const ip = '203.0.113.20';
    const first = await connect(a!.url, { ip });
    await connect(b!.url, { ip });
    expect((await refusedConnection(a!.url, { ip })).data).toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
    });
    expect((await refusedConnection(b!.url, { ip })).data).toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
    });
    first.client.disconnect();
    await expect
      .poll(async () => (await connect(b!.url, { ip }).catch(() => undefined)) !== undefined)
      .toBe(true);
  });
});

describe('renditions named by the token', () => {
  it('refuses swarms of renditions the stream does not have', async () => {
    const { url } = await startTracker({ secret });
    const { client } = await connect(url, { auth: auth('alice', ['r240', 'r720']) });
    expect(await request(client, 'join', ref('s1', 'r720'))).toMatchObject({ ok: true });
    expect(await request(client, 'join', ref('s1', 'made-up'))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_RENDITION' },
    });
    // A token naming no renditions (stream not indexed yet) keeps the per-socket swarm cap only.
    const { client: bob } = await connect(url, { auth: auth('bob') });
    expect(await request(bob, 'join', ref('s1', 'made-up'))).toMatchObject({ ok: true });
  });
});

describe('binary packets', () => {
  it('closes a connection whose event announces attachments, before any arrives', async () => {
    const { url, tracker } = await startTracker();
    const { ws, closed } = await rawSocket(url);
    // A binary event announcing 10 attachments: the stock decoder would hold it and wait.
    ws.send('4510-["join",{"_placeholder":true,"num":0}]');
    expect(await closed).toBeGreaterThan(0);
    expect((await tracker.stats()).rejectedTotal.BAD_REQUEST).toBe(1);
  });

  it('disconnects a socket.io client that emits binary data', async () => {
    const { url } = await startTracker();
    const client = openClient(url);
    await new Promise((resolve) => client.once('connect', () => resolve(undefined)));
    const gone = disconnection(client);
    // Untyped on purpose: the protocol has no binary event.
    (client as unknown as { emit(event: string, data: unknown): void }).emit(
      'join',
      Buffer.alloc(1000),
    );
    expect(await gone).toBe('transport close');
  });
});
