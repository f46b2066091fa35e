import { describe, expect, it } from 'vitest';
import { SegmentStore } from './segment-store.js';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

/** A store with its events recorded in order. */
function recorded(maxBytes: number, keepBehind: number) {
  const store = new SegmentStore(maxBytes, keepBehind);
  const events: string[] = [];
  store.on('added', ({ swarm, sequence }) => events.push(`+${swarm}#${sequence}`));
  store.on('removed', ({ swarm, sequence }) => events.push(`-${swarm}#${sequence}`));
  return { store, events };
}

describe('SegmentStore', () => {
  it('stores, reports and returns segments', () => {
    const { store, events } = recorded(1000, 2);
    const segment = bytes(100, 7);
    store.put('s:a', 3, segment);
    expect(store.has('s:a', 3)).toBe(true);
    expect(store.get('s:a', 3)).toBe(segment);
    expect(store.get('s:a', 4)).toBeUndefined();
    expect(store.has('s:b', 3)).toBe(false);
    expect(store.bytes).toBe(100);
    expect(store.size).toBe(1);
    expect(events).toEqual(['+s:a#3']);
  });

  it('keeps a served segment past the live window until its keep ends, not past the byte cap', () => {
    let now = 0;
    const store = new SegmentStore(1000, 1, () => now);
    for (const sequence of [1, 2, 3]) store.put('s:a', sequence, bytes(100));
    store.keep('s:a', 1, 60_000);
    store.setPlayhead('s:a', 5, true);
    expect(store.sequences('s:a')).toEqual([1]);
    now = 60_001;
    store.setPlayhead('s:a', 6, true);
    expect(store.sequences('s:a')).toEqual([]);

    const small = new SegmentStore(250, 1, () => now);
    small.put('s:a', 1, bytes(100));
    small.keep('s:a', 1, 60_000);
    small.put('s:a', 2, bytes(100));
    small.put('s:a', 3, bytes(100));
    expect(small.bytes).toBeLessThanOrEqual(250);
    expect(small.has('s:a', 3)).toBe(true);
  });

  it('hands the stored bytes to added listeners', () => {
    const store = new SegmentStore(1000, 2);
    const seen: Uint8Array[] = [];
    store.on('added', (event) => seen.push(event.bytes));
    const segment = bytes(10);
    store.put('s:a', 1, segment);
    expect(seen).toEqual([segment]);
  });

  it('ignores a second put of the same segment', () => {
    const { store, events } = recorded(1000, 2);
    store.put('s:a', 1, bytes(100, 1));
    store.put('s:a', 1, bytes(200, 2));
    expect(store.bytes).toBe(100);
    expect(store.get('s:a', 1)![0]).toBe(1);
    expect(events).toEqual(['+s:a#1']);
  });

  it('ignores a segment larger than the whole cap, evicting nothing', () => {
    const { store, events } = recorded(1000, 2);
    store.put('s:a', 1, bytes(600));
    store.put('s:a', 2, bytes(1001));
    expect(store.has('s:a', 2)).toBe(false);
    expect(store.has('s:a', 1)).toBe(true);
    expect(store.bytes).toBe(600);
    expect(events).toEqual(['+s:a#1']);
  });

  it('accepts a segment of exactly the cap', () => {
    const store = new SegmentStore(1000, 2);
    store.put('s:a', 1, bytes(1000));
    expect(store.has('s:a', 1)).toBe(true);
  });

  it('never holds more than its cap', () => {
    const store = new SegmentStore(1000, 2);
    for (let sequence = 0; sequence < 50; sequence++) {
      store.put(sequence % 2 ? 's:a' : 's:b', sequence, bytes(90 + ((sequence * 37) % 200)));
      expect(store.bytes).toBeLessThanOrEqual(1000);
      // bytes is the true sum of what is held.
      let sum = 0;
      for (const swarm of ['s:a', 's:b'])
        for (const s of store.sequences(swarm)) sum += store.get(swarm, s)!.byteLength;
      expect(store.bytes).toBe(sum);
    }
    // The newest segment always survives its own put.
    expect(store.has('s:a', 49)).toBe(true);
  });

  it('VOD: evicts the least recently used segment', () => {
    const { store, events } = recorded(300, 2);
    store.put('s:a', 0, bytes(100));
    store.put('s:a', 1, bytes(100));
    store.put('s:a', 2, bytes(100));
    store.put('s:a', 3, bytes(100));
    expect(store.sequences('s:a')).toEqual([1, 2, 3]);
    expect(events).toEqual(['+s:a#0', '+s:a#1', '+s:a#2', '-s:a#0', '+s:a#3']);
  });

  it('VOD: get() marks a segment as recently used', () => {
    const store = new SegmentStore(300, 2);
    store.put('s:a', 0, bytes(100));
    store.put('s:a', 1, bytes(100));
    store.put('s:a', 2, bytes(100));
    store.get('s:a', 0);
    store.put('s:a', 3, bytes(100));
    expect(store.sequences('s:a')).toEqual([0, 2, 3]);
    store.get('s:a', 2);
    store.put('s:a', 4, bytes(100));
    expect(store.sequences('s:a')).toEqual([2, 3, 4]);
  });

  it('VOD: evicts several old segments to fit a large one', () => {
    const store = new SegmentStore(300, 2);
    store.put('s:a', 0, bytes(100));
    store.put('s:a', 1, bytes(100));
    store.put('s:a', 2, bytes(100));
    store.put('s:a', 3, bytes(250));
    expect(store.sequences('s:a')).toEqual([3]);
    expect(store.bytes).toBe(250);
  });

  it('VOD playheads evict nothing', () => {
    const store = new SegmentStore(10_000, 1);
    for (let sequence = 0; sequence < 5; sequence++) store.put('s:v', sequence, bytes(10));
    store.setPlayhead('s:v', 4, false);
    expect(store.sequences('s:v')).toEqual([0, 1, 2, 3, 4]);
  });

  it('live: a playhead move drops what is more than keepBehind behind it', () => {
    const { store, events } = recorded(10_000, 2);
    for (let sequence = 5; sequence <= 12; sequence++) store.put('s:l', sequence, bytes(10));
    events.length = 0;
    store.setPlayhead('s:l', 10, true);
    expect(store.sequences('s:l')).toEqual([8, 9, 10, 11, 12]);
    expect(events).toEqual(['-s:l#5', '-s:l#6', '-s:l#7']);
  });

  it('live: keepBehind 0 keeps the playhead segment and what is ahead', () => {
    const store = new SegmentStore(10_000, 0);
    for (let sequence = 1; sequence <= 4; sequence++) store.put('s:l', sequence, bytes(10));
    store.setPlayhead('s:l', 3, true);
    expect(store.sequences('s:l')).toEqual([3, 4]);
  });

  it('live: under pressure, segments behind the playhead go before recently used ones', () => {
    const store = new SegmentStore(400, 3);
    store.setPlayhead('s:l', 10, true);
    for (const sequence of [8, 9, 10, 11]) store.put('s:l', sequence, bytes(100));
    // 8 is the most recently used, but it is behind the playhead; 9 would be the LRU victim.
    store.get('s:l', 8);
    store.get('s:l', 10);
    store.get('s:l', 11);
    store.put('s:l', 12, bytes(100));
    expect(store.sequences('s:l')).toEqual([9, 10, 11, 12]);
  });

  it('live pressure evicts behind-the-playhead segments of another swarm before LRU ones here', () => {
    const store = new SegmentStore(200, 5);
    store.setPlayhead('s:live', 20, true);
    store.put('s:vod', 1, bytes(100));
    store.put('s:live', 18, bytes(100));
    store.get('s:live', 18);
    store.put('s:vod', 2, bytes(100));
    expect(store.sequences('s:live')).toEqual([]);
    expect(store.sequences('s:vod')).toEqual([1, 2]);
  });

  it('evicts across swarms by recency', () => {
    const store = new SegmentStore(200, 2);
    store.put('s:a', 1, bytes(100));
    store.put('s:b', 1, bytes(100));
    store.put('s:b', 2, bytes(100));
    expect(store.sequences('s:a')).toEqual([]);
    expect(store.sequences('s:b')).toEqual([1, 2]);
  });

  it('lists sequences of one swarm in ascending order', () => {
    const store = new SegmentStore(10_000, 2);
    for (const sequence of [7, 2, 11, 3]) store.put('s:a', sequence, bytes(1));
    store.put('s:b', 5, bytes(1));
    expect(store.sequences('s:a')).toEqual([2, 3, 7, 11]);
  });

  it('delete removes one segment and reports it once', () => {
    const { store, events } = recorded(1000, 2);
    store.put('s:a', 1, bytes(100));
    store.delete('s:a', 1);
    store.delete('s:a', 1);
    expect(store.bytes).toBe(0);
    expect(events).toEqual(['+s:a#1', '-s:a#1']);
  });

  it('dropSwarm removes only that swarm and forgets its playhead', () => {
    const { store, events } = recorded(40, 1);
    store.setPlayhead('s:a', 10, true);
    for (const sequence of [9, 10, 11]) store.put('s:a', sequence, bytes(10));
    store.put('s:b', 1, bytes(10));
    events.length = 0;
    store.dropSwarm('s:a');
    expect(store.sequences('s:a')).toEqual([]);
    expect(store.sequences('s:b')).toEqual([1]);
    expect(store.bytes).toBe(10);
    expect(events).toEqual(['-s:a#9', '-s:a#10', '-s:a#11']);
    // Without its old playhead, a low sequence in that swarm is not "behind" anything: under
    // pressure the LRU segment (s:b#1) goes, not s:a#2.
    store.put('s:a', 2, bytes(10));
    for (const sequence of [2, 3, 4]) store.put('s:b', sequence, bytes(10));
    expect(store.sequences('s:a')).toEqual([2]);
    expect(store.sequences('s:b')).toEqual([2, 3, 4]);
  });

  it('clear removes everything', () => {
    const { store, events } = recorded(1000, 2);
    store.put('s:a', 1, bytes(10));
    store.put('s:b', 2, bytes(10));
    events.length = 0;
    store.clear();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
    expect(events.sort()).toEqual(['-s:a#1', '-s:b#2']);
  });
});
