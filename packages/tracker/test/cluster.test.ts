import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { JoinResult, SignalMessage } from '@streamrp2p/protocol';
import { connect, nextEvent, ref, request } from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

type PeerLeftMessage = { swarm: string; peerId: string };

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const offer = { type: 'offer', sdp: 'v=0\r\n' };
const redisUp = await redisAvailable();

interface TrackerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

const processes: ChildProcess[] = [];

afterEach(() => {
  for (const child of processes.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the tracker command (from source, through tsx) in cluster mode on a free port. */
async function startProcess(prefix: string, memberTtl: number): Promise<TrackerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@streamrp2p/source',
      '--import',
      'tsx',
      'src/cli.ts',
      '--port',
      '0',
      '--key-prefix',
      prefix,
      '--member-ttl',
      String(memberTtl),
    ],
    {
      cwd: packageDir,
      env: { ...process.env, REDIS_URL, DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  processes.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracker did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`tracker exited: ${output}`)));
  });
  return { child, url, exited };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    return await client.keys(`${prefix}*`);
  } finally {
    await client.quit();
  }
}

const peerIds = (join: JoinResult) => join.peers.map((p) => p.peerId).sort();

describe.skipIf(!redisUp)('cluster mode (several tracker processes on one Redis)', () => {
  it('matches, signals and tells peer-left across processes, and cleans up on close', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => startProcess(prefix, 3000)));
    const alice = await connect(a!.url, { auth: { v: 1, peerId: 'alice' } });
    const bob = await connect(b!.url, { auth: { v: 1, peerId: 'bob' } });
    const carol = await connect(c!.url, { auth: { v: 1, peerId: 'carol' } });
    expect(await request(alice.client, 'join', ref('s1'))).toMatchObject({ ok: true, peers: [] });
    const bobJoin = await request<JoinResult>(bob.client, 'join', ref('s1'));
    expect(peerIds(bobJoin)).toEqual(['alice']);
    const carolJoin = await request<JoinResult>(carol.client, 'join', ref('s1'));
    expect(peerIds(carolJoin)).toEqual(['alice', 'bob']);

    // A peer id is unique across processes: a second "bob" on A gets another id.
    const otherBob = await connect(a!.url, { auth: { v: 1, peerId: 'bob' } });
    expect(otherBob.welcome.peerId).not.toBe('bob');
    otherBob.client.disconnect();

    // Signal A -> B and back, each relayed between processes through the adapter.
    const toBob = nextEvent<SignalMessage>(bob.client, 'signal');
    expect(
      await request(alice.client, 'signal', { swarm: 's1:hd', to: 'bob', data: offer }),
    ).toEqual({ ok: true });
    expect(await toBob).toEqual({ swarm: 's1:hd', from: 'alice', data: offer });
    const toAlice = nextEvent<SignalMessage>(alice.client, 'signal');
    expect(
      await request(bob.client, 'signal', { swarm: 's1:hd', to: 'alice', data: offer }),
    ).toEqual({ ok: true });
    expect(await toAlice).toEqual({ swarm: 's1:hd', from: 'bob', data: offer });

    // Leaving on C reaches A and B.
    const leftAtA = nextEvent<PeerLeftMessage>(alice.client, 'peer-left');
    const leftAtB = nextEvent<PeerLeftMessage>(bob.client, 'peer-left');
    expect(await request(carol.client, 'leave', { swarm: 's1:hd' })).toEqual({ ok: true });
    expect(await leftAtA).toEqual({ swarm: 's1:hd', peerId: 'carol' });
    expect(await leftAtB).toEqual({ swarm: 's1:hd', peerId: 'carol' });
    // Disconnecting on B reaches A.
    const bobGone = nextEvent<PeerLeftMessage>(alice.client, 'peer-left');
    bob.client.disconnect();
    expect(await bobGone).toEqual({ swarm: 's1:hd', peerId: 'bob' });
    expect(
      await request(alice.client, 'signal', { swarm: 's1:hd', to: 'bob', data: offer }),
    ).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PEER' } });

    // Shutting one process down disconnects its own sockets only.
    const carolDropped = new Promise<string>((resolve) =>
      carol.client.once('disconnect', (reason) => resolve(reason)),
    );
    c!.child.kill('SIGTERM');
    expect(await c!.exited).toBe(0);
    expect(await carolDropped).toBe('io server disconnect');
    expect(alice.client.connected).toBe(true);
    expect(await request(alice.client, 'peers', { swarm: 's1:hd' })).toEqual({
      ok: true,
      peers: [],
    });

    // Graceful shutdown of every process leaves nothing under the prefix.
    for (const p of [a!, b!]) p.child.kill('SIGTERM');
    expect(await Promise.all([a!.exited, b!.exited])).toEqual([0, 0]);
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('lets the peers of a killed process reconnect to another and go on signalling', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const memberTtl = 1500;
    const [a, b] = await Promise.all([
      startProcess(prefix, memberTtl),
      startProcess(prefix, memberTtl),
    ]);
    const alice = await connect(a!.url, { auth: { v: 1, peerId: 'alice' } });
    const bob = await connect(b!.url, { auth: { v: 1, peerId: 'bob' } });
    await request(alice.client, 'join', ref('s1'));
    expect(peerIds(await request<JoinResult>(bob.client, 'join', ref('s1')))).toEqual(['alice']);

    const aliceDropped = new Promise<string>((resolve) =>
      alice.client.once('disconnect', (reason) => resolve(reason)),
    );
    const expired = nextEvent<PeerLeftMessage>(bob.client, 'peer-left', 15_000);
    a!.child.kill('SIGKILL');
    await a!.exited;
    expect(await aliceDropped).toBe('transport close');

    // Once A's heartbeat expires, B no longer lists its peer and says so with peer-left.
    expect(await expired).toEqual({ swarm: 's1:hd', peerId: 'alice' });
    const again = await request<{ ok: boolean; peers: Array<{ peerId: string }> }>(
      bob.client,
      'peers',
      { swarm: 's1:hd' },
    );
    expect(again).toEqual({ ok: true, peers: [] });

    // alice reconnects to B with her id, rejoins, and the two signal each other.
    const back = await connect(b!.url, { auth: { v: 1, peerId: 'alice' } });
    expect(back.welcome.peerId).toBe('alice');
    expect(peerIds(await request<JoinResult>(back.client, 'join', ref('s1')))).toEqual(['bob']);
    const toBob = nextEvent<SignalMessage>(bob.client, 'signal');
    expect(
      await request(back.client, 'signal', { swarm: 's1:hd', to: 'bob', data: offer }),
    ).toEqual({
      ok: true,
    });
    expect(await toBob).toEqual({ swarm: 's1:hd', from: 'alice', data: offer });

    b!.child.kill('SIGTERM');
    expect(await b!.exited).toBe(0);
    expect(await keysUnder(prefix)).toEqual([]);
  });
});
