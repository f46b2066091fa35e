import { describe, expect, it } from 'vitest';
import { ALERT_THRESHOLDS, liveAlerts, stallRate, type AlertInput } from './live-alerts.js';

const calm: AlertInput = {
  viewers: 10,
  p2pShare: 0.6,
  hourShare: 0.6,
  stalls: 0,
  windowSeconds: 60,
};
const codes = (input: Partial<AlertInput>) =>
  liveAlerts({ ...calm, ...input }).map((a) => `${a.code}:${a.severity}`);

describe('liveAlerts', () => {
  it('raises nothing on a healthy stream', () => {
    expect(codes({})).toEqual([]);
  });

  it('flags a low P2P share only with enough viewers to share', () => {
    expect(codes({ p2pShare: 0.2 })).toContain('P2P_SHARE_LOW:warning');
    expect(codes({ p2pShare: 0.2, viewers: ALERT_THRESHOLDS.minViewers - 1 })).toEqual([]);
    expect(codes({ p2pShare: ALERT_THRESHOLDS.lowShare, hourShare: 0.4 })).toEqual([]);
    expect(codes({ p2pShare: null })).toEqual([]);
  });

  it('flags a drop under half the past hour, when the hour had a real share', () => {
    expect(codes({ p2pShare: 0.29, hourShare: 0.6 })).toEqual(['P2P_SHARE_DROPPED:critical']);
    expect(codes({ p2pShare: 0.31, hourShare: 0.6 })).toEqual([]);
    expect(codes({ p2pShare: 0.1, hourShare: 0.25 })).toEqual(['P2P_SHARE_LOW:warning']);
  });

  it('rates stalls per viewer and minute: warning above 0.5, critical above 2', () => {
    expect(stallRate(6, 4, 90)).toBeCloseTo(1, 9);
    expect(stallRate(5, 0, 60)).toBe(0);
    expect(codes({ stalls: 5 })).toEqual([]);
    expect(codes({ stalls: 6 })).toEqual(['STALLS_HIGH:warning']);
    expect(codes({ stalls: 21 })).toEqual(['STALLS_HIGH:critical']);
  });
});
