import { describe, expect, it } from 'vitest';
import { FailurePlan } from './failure-plan.js';

describe('FailurePlan', () => {
  it('consumes one-shots in order, only for matching paths', () => {
    const plan = new FailurePlan(() => 0.99);
    plan.inject({ kind: 'truncate', count: 2, match: '360p/' });
    plan.inject({ kind: 'stall' });
    expect(plan.pendingCount()).toBe(3);
    expect(plan.next('/live/360p/seq-1.ts', 0, '503')).toBe('truncate');
    expect(plan.next('/live/240p/seq-1.ts', 0, '503')).toBe('stall');
    expect(plan.next('/live/240p/seq-2.ts', 0, '503')).toBeUndefined();
    expect(plan.next('/live/360p/seq-2.ts', 0, '503')).toBe('truncate');
    expect(plan.next('/live/360p/seq-3.ts', 0, '503')).toBeUndefined();
    expect(plan.pendingCount()).toBe(0);
  });

  it('fails at the random rate otherwise', () => {
    let roll = 0.3;
    const plan = new FailurePlan(() => roll);
    expect(plan.next('/a.ts', 0.5, 'stall')).toBe('stall');
    roll = 0.7;
    expect(plan.next('/a.ts', 0.5, 'stall')).toBeUndefined();
    expect(plan.next('/a.ts', 0, 'stall')).toBeUndefined();
  });

  it('validates injections', () => {
    const plan = new FailurePlan();
    expect(() => plan.inject({ kind: 'boom' as never })).toThrow(/failure kind/);
    expect(() => plan.inject({ kind: '503', count: 0 })).toThrow(/count/);
    expect(() => plan.inject({ kind: '503', match: 3 as never })).toThrow(/match/);
    expect(() => plan.inject({ kind: '503', extra: 1 } as never)).toThrow(/unknown/);
    expect(plan.pendingCount()).toBe(0);
  });
});
