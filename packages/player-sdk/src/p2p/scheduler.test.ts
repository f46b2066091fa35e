import { describe, expect, it } from 'vitest';
import { PeerScore } from './peer-score.js';
import {
  decide,
  estimatedPeerMs,
  p2pFallsBehind,
  pickHolder,
  rankAmongSharers,
  rankFor,
  type PeerView,
  type SchedulerInput,
} from './scheduler.js';

/**
 * A load that started at t=1000 with its deadline at t=10000. With a 1500 ms margin and a
 * 1000 ms HTTP estimate, the latest HTTP start is 10000 - 1500 - 1000 = 7500.
 */
const BASE: SchedulerInput = {
  now: 1000,
  deadline: 10_000,
  startedAt: 1000,
  live: false,
  holders: 0,
  fetchers: 0,
  rank: 0,
  neighboursSettleBy: 0,
  estimatedHttpMs: 1000,
  estimatedPeerMs: 500,
  httpStaggerMs: 800,
  maxPeerWaitMs: 4000,
  deadlineMarginMs: 1500,
};
const LATEST_HTTP_START = 7500;

describe('decide', () => {
  const cases: Array<[string, Partial<SchedulerInput>, ReturnType<typeof decide>]> = [
    ['a holder: p2p', { holders: 1 }, { action: 'p2p' }],
    [
      'nothing buffered (deadline = start): HTTP at once, even with a holder',
      { holders: 3, live: true, rank: 2, deadline: 1000 },
      { action: 'http', reason: 'buffer-empty' },
    ],
    ['a holder even past the latest HTTP start', { holders: 2, now: 9000 }, { action: 'p2p' }],
    ['VOD, nobody has it', {}, { action: 'http', reason: 'no-peers' }],
    [
      'VOD ignores rank (no stagger outside live)',
      { rank: 3 },
      { action: 'http', reason: 'no-peers' },
    ],
    ['live, ranked first', { live: true, rank: 0 }, { action: 'http', reason: 'no-peers' }],

    // Neighbours still connecting (a swarm just joined): wait for them, within the slack.
    [
      'neighbours connecting: wait until they settle',
      { neighboursSettleBy: 3000 },
      { action: 'wait', until: 3000, reason: 'peers-joining' },
    ],
    [
      'neighbours connecting, live and ranked first: still wait for them',
      { live: true, rank: 0, neighboursSettleBy: 3000, now: 2000 },
      { action: 'wait', until: 3000, reason: 'peers-joining' },
    ],
    [
      'neighbours connecting past the latest HTTP start: wait only until it',
      { neighboursSettleBy: 9000 },
      { action: 'wait', until: LATEST_HTTP_START, reason: 'peers-joining' },
    ],
    [
      'neighbours settled (the settle time passed): HTTP',
      { neighboursSettleBy: 3000, now: 3000 },
      { action: 'http', reason: 'no-peers' },
    ],
    [
      'neighbours connecting, but a holder: p2p at once',
      { neighboursSettleBy: 3000, holders: 1 },
      { action: 'p2p' },
    ],
    [
      'neighbours connecting, nothing buffered: HTTP at once',
      { neighboursSettleBy: 3000, deadline: 1000 },
      { action: 'http', reason: 'buffer-empty' },
    ],

    // A peer is fetching it: wait until startedAt + maxPeerWaitMs = 5000.
    [
      'a fetcher: wait until maxPeerWait',
      { fetchers: 1, now: 1000 },
      { action: 'wait', until: 5000, reason: 'peer-fetching' },
    ],
    [
      'a fetcher: 1 ms before maxPeerWait ends',
      { fetchers: 1, now: 4999 },
      { action: 'wait', until: 5000, reason: 'peer-fetching' },
    ],
    [
      'a fetcher: exactly at the end of maxPeerWait',
      { fetchers: 1, now: 5000 },
      { action: 'http', reason: 'wait-over' },
    ],
    [
      'a fetcher: the wait is capped by the latest HTTP start',
      { fetchers: 1, maxPeerWaitMs: 60_000, now: 2000 },
      { action: 'wait', until: LATEST_HTTP_START, reason: 'peer-fetching' },
    ],
    [
      'a fetcher: 1 ms before the latest HTTP start',
      { fetchers: 1, maxPeerWaitMs: 60_000, now: LATEST_HTTP_START - 1 },
      { action: 'wait', until: LATEST_HTTP_START, reason: 'peer-fetching' },
    ],
    [
      'a fetcher: exactly at the latest HTTP start',
      { fetchers: 1, maxPeerWaitMs: 60_000, now: LATEST_HTTP_START },
      { action: 'http', reason: 'deadline' },
    ],
    [
      'a fetcher of a large segment: wait for its HTTP download and its transfer to us',
      { fetchers: 1, estimatedHttpMs: 2500, estimatedPeerMs: 2000, now: 5200 },
      { action: 'wait', until: 5500, reason: 'peer-fetching' },
    ],
    [
      'a fetcher of a large segment: the expected wait is still capped by the latest HTTP start',
      { fetchers: 1, estimatedHttpMs: 2500, estimatedPeerMs: 4000, now: 5200 },
      { action: 'wait', until: 6000, reason: 'peer-fetching' },
    ],
    [
      'a fetcher beats the live stagger',
      { fetchers: 1, live: true, rank: 3 },
      { action: 'wait', until: 5000, reason: 'peer-fetching' },
    ],

    // Live stagger: rank 2 x 800 ms from startedAt 1000 = 2600.
    [
      'live rank 2: stagger',
      { live: true, rank: 2 },
      { action: 'wait', until: 2600, reason: 'stagger' },
    ],
    [
      'live rank 2: 1 ms before the stagger ends',
      { live: true, rank: 2, now: 2599 },
      { action: 'wait', until: 2600, reason: 'stagger' },
    ],
    [
      'live rank 2: exactly at the stagger end',
      { live: true, rank: 2, now: 2600 },
      { action: 'http', reason: 'stagger-over' },
    ],
    [
      'live rank 20: the stagger is capped by the latest HTTP start',
      { live: true, rank: 20 },
      { action: 'wait', until: LATEST_HTTP_START, reason: 'stagger' },
    ],
    [
      'live rank 20: exactly at the latest HTTP start',
      { live: true, rank: 20, now: LATEST_HTTP_START },
      { action: 'http', reason: 'deadline' },
    ],
    [
      'live, zero stagger',
      { live: true, rank: 4, httpStaggerMs: 0 },
      { action: 'http', reason: 'stagger-over' },
    ],
    [
      'live with no deadline (Infinity) still staggers',
      { live: true, rank: 1, deadline: Infinity },
      { action: 'wait', until: 1800, reason: 'stagger' },
    ],
    [
      'deadline already passed',
      { fetchers: 1, now: 11_000 },
      { action: 'http', reason: 'deadline' },
    ],
    [
      'deadline just ahead, too close for any wait',
      { live: true, rank: 1, deadline: 1001 },
      { action: 'http', reason: 'deadline' },
    ],
  ];

  it.each(cases)('%s', (_name, patch, expected) => {
    expect(decide({ ...BASE, ...patch })).toEqual(expected);
  });

  it('never waits past deadline - margin - estimatedHttpMs, and never waits into the past', () => {
    // Deterministic pseudo-random inputs (mulberry32), so a failure reproduces.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let waits = 0;
    for (let i = 0; i < 5000; i++) {
      const startedAt = Math.floor(random() * 10_000);
      const input: SchedulerInput = {
        now: startedAt + Math.floor(random() * 8000),
        deadline: startedAt + Math.floor(random() * 12_000),
        startedAt,
        live: random() < 0.7,
        holders: 0,
        fetchers: random() < 0.3 ? 1 : 0,
        rank: Math.floor(random() * 6),
        neighboursSettleBy: random() < 0.3 ? startedAt + Math.floor(random() * 6000) : 0,
        estimatedHttpMs: Math.floor(random() * 3000),
        estimatedPeerMs: Math.floor(random() * 3000),
        httpStaggerMs: Math.floor(random() * 1500),
        maxPeerWaitMs: Math.floor(random() * 6000),
        deadlineMarginMs: Math.floor(random() * 2000),
      };
      const decision = decide(input);
      if (decision.action !== 'wait') continue;
      waits += 1;
      const latest = input.deadline - input.deadlineMarginMs - input.estimatedHttpMs;
      expect(decision.until).toBeLessThanOrEqual(latest);
      expect(decision.until).toBeGreaterThan(input.now);
    }
    expect(waits).toBeGreaterThan(100);
  });
});

describe('rankFor', () => {
  const ids = Array.from({ length: 8 }, (_, i) => `peer-${i}`);
  const ranksAt = (sequence: number, peers = ids) =>
    peers.map((id) =>
      rankFor(
        id,
        peers.filter((other) => other !== id),
        sequence,
      ),
    );

  it('gives each peer of a neighbourhood a distinct rank 0..n-1 for every sequence', () => {
    for (let sequence = 0; sequence < 300; sequence++) {
      expect([...ranksAt(sequence)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it('also for random-looking ids', () => {
    const peers = ['Zq9', 'a', 'peer_0001', 'x.y-z', '7f3a9c', 'AAAA', 'aaaa', 'b'];
    for (let sequence = 1000; sequence < 1100; sequence++) {
      expect([...ranksAt(sequence, peers)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it('puts different peers first for different sequences, spread over the neighbourhood', () => {
    const firsts = new Map<string, number>();
    const sequences = 800;
    for (let sequence = 0; sequence < sequences; sequence++) {
      const first = ids[ranksAt(sequence).indexOf(0)]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    // Every peer comes first sometimes, none hogs it (fair share is 100 of 800).
    expect(firsts.size).toBe(ids.length);
    for (const count of firsts.values()) {
      expect(count).toBeGreaterThan(sequences / ids.length / 3);
      expect(count).toBeLessThan((sequences / ids.length) * 3);
    }
  });

  // Regression: plain FNV-1a barely moved its high bits for the last digits, so the same peer
  // stayed first for runs of 30-50 consecutive sequences (146 changes in 799 steps for 8 peers).
  it('changes the first peer between consecutive sequences about as often as chance', () => {
    const sequences = 800;
    let changes = 0;
    let previous: string | undefined;
    for (let sequence = 1000; sequence < 1000 + sequences; sequence++) {
      const first = ids[ranksAt(sequence).indexOf(0)]!;
      if (previous !== undefined && first !== previous) changes += 1;
      previous = first;
    }
    // Chance: (n-1)/n of the 799 steps = ~699; demand well over half.
    expect(changes).toBeGreaterThan(sequences / 2);
  });

  it('is deterministic and does not depend on the neighbours order or container', () => {
    const neighbours = ids.slice(1);
    for (let sequence = 0; sequence < 50; sequence++) {
      const rank = rankFor(ids[0]!, neighbours, sequence);
      expect(rankFor(ids[0]!, neighbours, sequence)).toBe(rank);
      expect(rankFor(ids[0]!, [...neighbours].reverse(), sequence)).toBe(rank);
      expect(rankFor(ids[0]!, new Set(neighbours), sequence)).toBe(rank);
    }
  });

  it('is 0 without neighbours', () => {
    expect(rankFor('alone', [], 7)).toBe(0);
  });
});

describe('p2pFallsBehind', () => {
  // Deadline 10000 with a 1500 ms margin: the P2P download must end by 8500.
  const base = {
    now: 1000,
    startedAt: 0,
    received: 0,
    total: undefined as number | undefined,
    deadline: 10_000,
    deadlineMarginMs: 1500,
    estimatedHttpMs: 1000,
  };

  it('before any data: keeps waiting while HTTP would still make it', () => {
    expect(p2pFallsBehind({ ...base, now: 7499 })).toBe(false);
  });

  it('before any data: gives up exactly when HTTP would no longer make it', () => {
    expect(p2pFallsBehind({ ...base, now: 7500 })).toBe(true);
    expect(p2pFallsBehind({ ...base, now: 7500, received: 0, total: 1_000_000 })).toBe(true);
  });

  it('a header but no bytes yet counts as no data', () => {
    expect(p2pFallsBehind({ ...base, now: 2000, total: 1_000_000 })).toBe(false);
  });

  it('keeps a download on pace', () => {
    // 500 kB in 1 s: the rest takes another second, ending at 2000 < 8500.
    expect(p2pFallsBehind({ ...base, received: 500_000, total: 1_000_000 })).toBe(false);
  });

  it('abandons a download that would end after the deadline when HTTP is faster', () => {
    // 10 kB in 1 s: the rest would take 99 s.
    expect(p2pFallsBehind({ ...base, received: 10_000, total: 1_000_000 })).toBe(true);
  });

  it('keeps a late download when HTTP of the rest would be even later', () => {
    expect(
      p2pFallsBehind({ ...base, received: 10_000, total: 1_000_000, estimatedHttpMs: 200_000 }),
    ).toBe(false);
  });

  it('boundary: a projected end exactly at deadline - margin is still in time', () => {
    // 100 of 200 bytes in 1000 ms: projected end 2000. deadline - margin = 2000 -> in time.
    const args = { ...base, received: 100, total: 200, estimatedHttpMs: 10 };
    expect(p2pFallsBehind({ ...args, deadline: 3500 })).toBe(false);
    expect(p2pFallsBehind({ ...args, deadline: 3499 })).toBe(true);
  });

  it('never gives up without a deadline', () => {
    expect(p2pFallsBehind({ ...base, deadline: Infinity, now: 1e9 })).toBe(false);
    expect(
      p2pFallsBehind({ ...base, deadline: Infinity, received: 1, total: 1_000_000, now: 1e9 }),
    ).toBe(false);
  });
});

/** A peer that holds `held`, with a score built from its downloads. */
function peer(
  peerId: string,
  options: {
    held?: number[];
    busy?: number;
    downloads?: Array<[bytes: number, ms: number]>;
    failures?: number;
    sharing?: boolean;
  } = {},
): PeerView {
  const score = new PeerScore();
  for (const [bytes, ms] of options.downloads ?? []) score.recordSuccess(bytes, ms);
  for (let i = 0; i < (options.failures ?? 0); i++) score.recordFailure();
  const held = new Set(options.held ?? [7]);
  return {
    peerId,
    sharing: options.sharing ?? true,
    activeDownloads: options.busy ?? 0,
    score,
    has: (sequence) => held.has(sequence),
    isFetching: () => false,
  };
}

describe('pickHolder', () => {
  it('asks the least busy holder first, however fast the busy one is', () => {
    const fastBusy = peer('fast', { busy: 1, downloads: [[100_000, 10]] });
    const slowIdle = peer('slow', { downloads: [[100_000, 1000]] });
    expect(pickHolder([fastBusy, slowIdle], 7, new Set())?.peerId).toBe('slow');
  });

  it('then the fastest, then the one with fewer failures', () => {
    const slow = peer('slow', { downloads: [[100_000, 1000]] });
    const fast = peer('fast', { downloads: [[100_000, 100]] });
    expect(pickHolder([slow, fast], 7, new Set())?.peerId).toBe('fast');
    const flaky = peer('flaky', { failures: 2 });
    const steady = peer('steady', { failures: 1 });
    expect(pickHolder([flaky, steady], 7, new Set())?.peerId).toBe('steady');
  });

  it('skips peers that do not hold the segment or failed it in this load', () => {
    const failedOne = peer('failed', { downloads: [[100_000, 10]] });
    const other = peer('other', { held: [8] });
    const holder = peer('holder');
    expect(pickHolder([failedOne, other, holder], 7, new Set(['failed']))?.peerId).toBe('holder');
    expect(pickHolder([failedOne, other], 7, new Set(['failed']))).toBeUndefined();
  });
});

describe('estimatedPeerMs', () => {
  it('is the expected size at the fastest fetcher’s measured speed (bytes per ms)', () => {
    const fetchers = [peer('a', { downloads: [[200, 1]] }), peer('b', { downloads: [[500, 1]] })];
    expect(estimatedPeerMs(1_000_000, 2500, fetchers)).toBe(2000);
  });

  it('is the HTTP estimate before the size or any fetcher’s speed is known', () => {
    expect(estimatedPeerMs(undefined, 2500, [peer('a', { downloads: [[500, 1]] })])).toBe(2500);
    expect(estimatedPeerMs(1_000_000, 2500, [peer('a')])).toBe(2500);
    expect(estimatedPeerMs(1_000_000, 2500, [])).toBe(2500);
  });
});

describe('rankAmongSharers', () => {
  const neighbours = [peer('a'), peer('b'), peer('c', { sharing: false })];

  it('is our rank among the sharing neighbours, plus a jitter below 1', () => {
    const rank = rankAmongSharers('me', neighbours, 7, false);
    const base = rankFor('me', ['a', 'b'], 7);
    expect(rank).toBeGreaterThanOrEqual(base);
    expect(rank).toBeLessThan(base + 1);
  });

  it('is 0 with no sharing neighbour, and after every sharer when consume-only', () => {
    expect(rankAmongSharers('me', [peer('c', { sharing: false })], 7, false)).toBe(0);
    expect(rankAmongSharers('me', neighbours, 7, true)).toBe(3);
  });
});
