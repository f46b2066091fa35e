import { describe, expect, it } from 'vitest';
import {
  COLLUSION_RULES,
  flagUploaders,
  groupSessions,
  score,
  type Edge,
  type GraphFacts,
  type SessionFacts,
} from './collusion-signals.js';

const NOW = 1_800_000_000_000;
const GRACE = 180_000;

function session(id: string, overrides: Partial<SessionFacts> = {}): SessionFacts {
  return {
    id,
    viewerId: `viewer-${id}`,
    streamId: 'stream',
    networkKey: `net-${id}`,
    publicKey: `key-${id}`,
    createdAtMs: NOW - 600_000,
    played: true,
    ...overrides,
  };
}

function graph(
  sessions: SessionFacts[],
  edges: Edge[],
  extra: Partial<GraphFacts> = {},
): GraphFacts {
  return {
    edges,
    sessions: new Map(sessions.map((s) => [s.id, s])),
    sharedKeys: new Set(),
    networkCreations: new Map(),
    timing: new Map(),
    ...extra,
  };
}

const codes = (flags: Map<string, { code: string }[]>, id: string) =>
  (flags.get(id) ?? []).map((f) => f.code).sort();

describe('collusion signals', () => {
  it('does not flag a swarm where supporters serve many viewers who play, on many networks', () => {
    const sessions = [
      session('s1'),
      session('s2'),
      ...Array.from({ length: 8 }, (_, i) => session(`v${i}`)),
    ];
    const edges: Edge[] = [];
    for (let i = 0; i < 8; i++) {
      edges.push({ uploader: i % 2 === 0 ? 's1' : 's2', receiver: `v${i}`, bytes: 5_000_000 });
    }
    // Viewers also serve each other a little, both ways sometimes (a mesh).
    edges.push({ uploader: 'v0', receiver: 'v1', bytes: 500_000 });
    edges.push({ uploader: 'v1', receiver: 'v0', bytes: 500_000 });
    const flags = flagUploaders(graph(sessions, edges), NOW, GRACE);
    for (const id of ['s1', 's2']) expect(flags.has(id)).toBe(false);
    // The mesh pair is reciprocal, and that alone is far from a hold.
    expect(codes(flags, 'v0')).toEqual(['RECIPROCAL']);
    expect(score(flags.get('v0')!)).toBeLessThan(COLLUSION_RULES.holdScore);
  });

  it('flags a farm: symmetric, receivers never play, one network', () => {
    const farm = ['a1', 'a2', 'b1', 'b2'].map((id) =>
      session(id, { networkKey: 'net-farm', played: false }),
    );
    const edges: Edge[] = [];
    for (const u of farm)
      for (const r of farm) if (u !== r) edges.push({ uploader: u.id, receiver: r.id, bytes: 1e6 });
    const flags = flagUploaders(graph(farm, edges), NOW, GRACE);
    for (const s of farm) {
      expect(codes(flags, s.id)).toEqual(['NO_PLAYBACK', 'RECIPROCAL', 'SAME_NETWORK']);
      expect(score(flags.get(s.id)!)).toBeGreaterThanOrEqual(COLLUSION_RULES.holdScore);
    }
  });

  it('counts pairs and rings of up to four sessions as reciprocal, longer ones not', () => {
    const ring = (n: number) => {
      const sessions = Array.from({ length: n }, (_, i) => session(`r${i}`));
      const edges = sessions.map((s, i) => ({
        uploader: s.id,
        receiver: sessions[(i + 1) % n]!.id,
        bytes: 1e6,
      }));
      return flagUploaders(graph(sessions, edges), NOW, GRACE);
    };
    expect(codes(ring(2), 'r0')).toEqual(['RECIPROCAL']);
    expect(codes(ring(3), 'r0')).toEqual(['RECIPROCAL']);
    expect(codes(ring(4), 'r0')).toEqual(['RECIPROCAL']);
    expect(ring(5).has('r0')).toBe(false);
  });

  it('judges playback only of receivers past the grace period', () => {
    const sessions = [session('u'), session('young', { played: false, createdAtMs: NOW - 10_000 })];
    const flags = flagUploaders(
      graph(sessions, [{ uploader: 'u', receiver: 'young', bytes: 1e6 }]),
      NOW,
      GRACE,
    );
    expect(flags.has('u')).toBe(false);
  });

  it('flags a key shared with another session, session bursts and shared timing', () => {
    const sessions = [session('u', { networkKey: 'n' }), session('r')];
    const edges = [{ uploader: 'u', receiver: 'r', bytes: 1e6 }];
    const created = Array.from({ length: 12 }, (_, i) => NOW - 600_000 + i * 1000);
    const flags = flagUploaders(
      graph(sessions, edges, {
        sharedKeys: new Set(['key-u']),
        networkCreations: new Map([['n', created]]),
        timing: new Map([['u', { receipts: 20, shared: 15 }]]),
      }),
      NOW,
      GRACE,
    );
    expect(codes(flags, 'u')).toEqual(['SESSION_BURST', 'SHARED_KEY', 'SHARED_TIMING']);
    // Too few receipts to judge timing.
    const few = flagUploaders(
      graph(sessions, edges, { timing: new Map([['u', { receipts: 4, shared: 4 }]]) }),
      NOW,
      GRACE,
    );
    expect(few.has('u')).toBe(false);
  });

  it('groups held uploaders joined by any path of edges', () => {
    const edges: Edge[] = [
      { uploader: 'a', receiver: 'x', bytes: 1 },
      { uploader: 'b', receiver: 'x', bytes: 1 },
      { uploader: 'c', receiver: 'd', bytes: 1 },
    ];
    expect(groupSessions(edges, new Set(['a', 'b', 'c']))).toEqual([['a', 'b'], ['c']]);
  });
});
