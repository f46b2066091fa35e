/**
 * The tracker load generator's light client (bench/tracker/light-client.ts)
 * against a real tracker on port 0 and a real socket.io-client peer, so the
 * benchmark cannot silently measure nothing: it must connect, join with an
 * ack, relay signals both ways, answer engine.io pings, and see refusals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { TRACKER_PROTOCOL_VERSION } from '@streamrp2p/protocol';
import { createTracker, type Tracker } from '@streamrp2p/tracker';
import { LightTrackerClient, type LightClientHandlers } from '../bench/tracker/light-client.js';

const trackers: Tracker[] = [];
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await Promise.all(trackers.splice(0).map((t) => t.close()));
});

async function startTracker(options: Parameters<typeof createTracker>[0] = {}) {
  const tracker = createTracker({ port: 0, ...options });
  trackers.push(tracker);
  const { url } = await tracker.start();
  return { tracker, url };
}

interface Light {
  client: LightTrackerClient;
  events: Array<{ name: string; args: unknown[] }>;
  closed: Promise<string>;
  /** Resolves with the first event called `name` (already received or still to come). */
  next(name: string): Promise<unknown[]>;
}

function openLight(url: string, auth: Record<string, unknown> = { v: TRACKER_PROTOCOL_VERSION }) {
  const events: Light['events'] = [];
  const waiters: Array<{ name: string; resolve(args: unknown[]): void }> = [];
  let onClose!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => (onClose = resolve));
  const connectErrors: unknown[] = [];
  const handlers: LightClientHandlers = {
    onEvent: (name, args) => {
      events.push({ name, args });
      for (const w of waiters.splice(0)) {
        if (w.name === name) w.resolve(args);
        else waiters.push(w);
      }
    },
    onConnectError: (data) => connectErrors.push(data),
    onClose: (reason) => onClose(reason),
  };
  const client = new LightTrackerClient({ url, auth, timeoutMs: 5000 }, handlers);
  closers.push(() => client.close());
  const light: Light = {
    client,
    events,
    closed,
    next: (name) => {
      const seen = events.find((e) => e.name === name);
      if (seen !== undefined) return Promise.resolve(seen.args);
      return new Promise((resolve, reject) => {
        waiters.push({ name, resolve });
        void closed.then((reason) => reject(new Error(`closed (${reason}) before ${name}`)));
      });
    },
  };
  return { light, connectErrors };
}

function openSocketIo(url: string): Promise<{ socket: Socket; peerId: string }> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { v: TRACKER_PROTOCOL_VERSION },
  });
  closers.push(() => socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('welcome', (w: { peerId: string }) => resolve({ socket, peerId: w.peerId }));
    socket.once('connect_error', reject);
  });
}

describe('bench light tracker client', () => {
  it('joins with an ack and relays signals to and from a socket.io-client peer', async () => {
    const { tracker, url } = await startTracker();
    const { socket, peerId: otherId } = await openSocketIo(url);
    const joinedOther = (await socket
      .timeout(5000)
      .emitWithAck('join', { streamId: 'bench', rendition: 'hd' })) as { ok: boolean };
    expect(joinedOther.ok).toBe(true);

    const { light } = openLight(url);
    const [welcome] = (await light.next('welcome')) as [{ peerId: string; v: number }];
    expect(welcome.v).toBe(TRACKER_PROTOCOL_VERSION);
    expect(light.client.connected).toBe(true);

    const ack = (await light.client.emitWithAck('join', {
      streamId: 'bench',
      rendition: 'hd',
    })) as {
      ok: boolean;
      swarm: string;
      peerId: string;
      peers: Array<{ peerId: string }>;
    };
    expect(ack).toEqual({
      ok: true,
      swarm: 'bench:hd',
      peerId: welcome.peerId,
      peers: [{ peerId: otherId }],
    });

    // Light client -> socket.io-client, through the tracker's relay.
    const arrived = new Promise<unknown>((resolve) => socket.once('signal', resolve));
    const data = { type: 'bench', sdp: '12345.5' };
    const signalAck = await light.client.emitWithAck('signal', {
      swarm: ack.swarm,
      to: otherId,
      data,
    });
    expect(signalAck).toEqual({ ok: true });
    expect(await arrived).toEqual({ swarm: 'bench:hd', from: welcome.peerId, data });

    // socket.io-client -> light client.
    const back = { type: 'answer', sdp: 'v=0' };
    const backAck = await socket
      .timeout(5000)
      .emitWithAck('signal', { swarm: 'bench:hd', to: welcome.peerId, data: back });
    expect(backAck).toEqual({ ok: true });
    expect(await light.next('signal')).toEqual([{ swarm: 'bench:hd', from: otherId, data: back }]);

    // Error acks come back as data, with the tracker's code.
    const bad = (await light.client.emitWithAck('signal', {
      swarm: 'bench:hd',
      to: 'nobody',
      data,
    })) as { ok: boolean; error: { code: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('UNKNOWN_PEER');
    expect((await tracker.stats()).signalsRelayedTotal).toBe(2);
  });

  it('answers engine.io pings, so the tracker keeps it connected', async () => {
    const { tracker, url } = await startTracker();
    // Read by engine.io for every ping it schedules: ping every 50 ms, drop after 100 ms of silence.
    Object.assign(tracker.io.engine.opts, { pingInterval: 50, pingTimeout: 100 });
    const { light } = openLight(url);
    await light.next('welcome');
    const outcome = await Promise.race([
      light.closed,
      new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 800)),
    ]);
    expect(outcome).toBe('still open');
    expect((await tracker.stats()).sockets).toBe(1);
    const ack = (await light.client.emitWithAck('join', { streamId: 's', rendition: 'hd' })) as {
      ok: boolean;
    };
    expect(ack.ok).toBe(true);
  });

  it('reports a refused handshake as a connect error with the tracker code', async () => {
    const { url } = await startTracker({ secret: 'a-secret-of-sixteen-chars' });
    const { light, connectErrors } = openLight(url);
    expect(await light.closed).toBe('connect error');
    expect(connectErrors).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ code: 'UNAUTHORIZED' }) }),
    ]);
    await expect(light.client.emitWithAck('join', {})).rejects.toThrow(/closed/);
  });

  it('sees a server-side disconnect', async () => {
    const { tracker, url } = await startTracker();
    const { light } = openLight(url);
    await light.next('welcome');
    tracker.io.local.disconnectSockets(true);
    expect(await light.closed).toBe('io server disconnect');
  });
});
