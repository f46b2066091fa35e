import { describe, expect, it } from 'vitest';
import type {
  CommunityEventResponse,
  CommunityGoalResponse,
} from '@streamrp2p/protocol/api-schemas';
import { eventDiff, FRESH_MS, goalView, isFeed, money } from './community-state.js';

const NOW = Date.UTC(2026, 10, 20, 12);

function event(id: string, agoMs: number): CommunityEventResponse {
  return {
    id,
    kind: 'supporter_joined',
    streamId: 's',
    streamerId: 'st',
    text: `event ${id}`,
    at: new Date(NOW - agoMs).toISOString(),
    data: {},
  };
}

describe('eventDiff', () => {
  it('shows only the newest event of the first answer, and only if fresh', () => {
    expect(eventDiff()([event('a', 5000), event('b', 1000)], NOW)).toEqual([event('b', 1000)]);
    expect(eventDiff()([event('a', FRESH_MS + 1)], NOW)).toEqual([]);
    expect(eventDiff()([], NOW)).toEqual([]);
  });

  it('then shows each new event once, oldest first', () => {
    const diff = eventDiff();
    diff([event('a', 90_000)], NOW);
    expect(diff([event('c', 1000), event('b', 2000), event('a', 90_000)], NOW)).toEqual([
      event('b', 2000),
      event('c', 1000),
    ]);
    expect(diff([event('c', 1000), event('b', 2000)], NOW)).toEqual([]);
  });
});

describe('goalView', () => {
  const goal = (fields: Partial<CommunityGoalResponse>): CommunityGoalResponse => ({
    goalId: 'g',
    streamerId: 'st',
    streamId: null,
    title: 'Save together',
    status: 'active',
    currency: 'usd',
    targetMicros: 2_000_000,
    progressMicros: 500_000,
    progressBytes: 10_000_000_000,
    startsAt: new Date(NOW).toISOString(),
    deadline: null,
    reachedAt: null,
    endedAt: null,
    computedAt: null,
    ...fields,
  });

  it('gives whole percents, capped at 100, and the amounts', () => {
    expect(goalView(goal({}))).toEqual({
      id: 'g',
      title: 'Save together',
      percent: 25,
      label: '$0.50 of $2.00 saved',
      reached: false,
    });
    expect(goalView(goal({ progressMicros: 1_999_999 })).percent).toBe(99);
    expect(goalView(goal({ progressMicros: 9_000_000 })).percent).toBe(100);
    expect(goalView(goal({ status: 'reached', progressMicros: 1 }))).toMatchObject({
      percent: 100,
      reached: true,
    });
  });

  it('writes other currencies by code', () => {
    expect(money(12_345_678, 'eur')).toBe('12.34 EUR');
    expect(money(0, 'usd')).toBe('$0.00');
  });
});

describe('isFeed', () => {
  it('accepts the feed shape and refuses others', () => {
    expect(isFeed({ streamerId: 'st', goals: [], events: [], squad: { members: 0 } })).toBe(true);
    expect(isFeed({ error: { code: 'X' } })).toBe(false);
    expect(isFeed(null)).toBe(false);
  });
});
