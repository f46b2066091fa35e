import { describe, expect, it } from 'vitest';
import { UsageReporter, type UsageTotals } from './usage.js';

function setup() {
  let now = 1_000_000;
  const totals: UsageTotals = {
    httpBytes: 0,
    httpSegments: 0,
    p2pBytes: 0,
    p2pSegments: 0,
    stalls: 0,
  };
  const reporter = new UsageReporter(
    () => totals,
    () => now,
    30_000,
  );
  return { reporter, totals, advance: (ms: number) => (now += ms) };
}

describe('UsageReporter', () => {
  it('reports the difference since the last accepted report, when due', () => {
    const { reporter, totals, advance } = setup();
    totals.httpBytes = 1000;
    totals.httpSegments = 1;
    expect(reporter.take()).toBeUndefined();
    advance(30_000);
    const due = reporter.take()!;
    expect(due.report).toEqual({
      seconds: 30,
      httpBytes: 1000,
      httpSegments: 1,
      p2pBytes: 0,
      p2pSegments: 0,
      stalls: 0,
    });
    // Not committed (the request failed): the next report covers both spans.
    totals.p2pBytes = 500;
    totals.stalls = 2;
    advance(30_000);
    const again = reporter.take()!;
    expect(again.report).toMatchObject({ seconds: 60, httpBytes: 1000, p2pBytes: 500, stalls: 2 });
    again.commit();
    advance(30_000);
    expect(reporter.take()).toBeUndefined();
  });

  it('clamps a long span to what the coordinator accepts, and forces a report when asked', () => {
    const { reporter, totals, advance } = setup();
    totals.httpBytes = 1e13;
    totals.stalls = 10_000;
    advance(3_600_000);
    expect(reporter.take()!.report).toMatchObject({
      seconds: 300,
      httpBytes: 300 * 12_500_000,
      stalls: 300,
    });
    const { reporter: fresh, totals: t2, advance: later } = setup();
    t2.p2pSegments = 1;
    later(200);
    expect(fresh.take(true)!.report).toMatchObject({ seconds: 1, p2pSegments: 1 });
  });
});
