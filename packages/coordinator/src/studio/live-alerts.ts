/**
 * The live view's alerts (decision 35): the thresholds the studio shows and `docs/alerts.yml`
 * repeats as Prometheus rules over the `streamrp2p_coordinator_stream_*` gauges.
 */
import type { LiveAlert } from '@streamrp2p/protocol/api-schemas';

/** The thresholds, in one place. */
export const ALERT_THRESHOLDS = Object.freeze({
  /** Alerts on the P2P share need at least this many viewers: with fewer, few peers can share. */
  minViewers: 3,
  /** P2P_SHARE_LOW: the share of the window below this. */
  lowShare: 0.25,
  /** P2P_SHARE_DROPPED: the share of the window below this fraction of the past hour's... */
  dropFactor: 0.5,
  /** ...when the past hour's was at least this. */
  dropBaseline: 0.3,
  /** STALLS_HIGH: stalls per viewer and minute above this (warning)... */
  stallsPerViewerMinute: 0.5,
  /** ...and above this (critical). */
  stallsPerViewerMinuteCritical: 2,
});

/** What the alerts are computed from. */
export interface AlertInput {
  viewers: number;
  /** The window's share, null without bytes. */
  p2pShare: number | null;
  /** The past hour's share, null without bytes. */
  hourShare: number | null;
  stalls: number;
  windowSeconds: number;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/** Stalls per viewer and minute of the window (0 without viewers). */
export function stallRate(stalls: number, viewers: number, windowSeconds: number): number {
  if (viewers === 0 || windowSeconds <= 0) return 0;
  return stalls / viewers / (windowSeconds / 60);
}

/**
 * The alerts that hold now.
 *
 * @example
 * liveAlerts({ viewers: 10, p2pShare: 0.1, hourShare: 0.6, stalls: 0, windowSeconds: 90 });
 * // P2P_SHARE_LOW and P2P_SHARE_DROPPED
 */
export function liveAlerts(input: AlertInput): LiveAlert[] {
  const t = ALERT_THRESHOLDS;
  const alerts: LiveAlert[] = [];
  const { p2pShare, hourShare, viewers } = input;
  if (viewers >= t.minViewers && p2pShare !== null) {
    if (p2pShare < t.lowShare) {
      alerts.push({
        code: 'P2P_SHARE_LOW',
        severity: 'warning',
        message: `P2P carries ${percent(p2pShare)} of the bytes with ${viewers} viewers (alert below ${percent(t.lowShare)}): check the tracker and that viewers can connect to each other`,
      });
    }
    if (hourShare !== null && hourShare >= t.dropBaseline && p2pShare < hourShare * t.dropFactor) {
      alerts.push({
        code: 'P2P_SHARE_DROPPED',
        severity: 'critical',
        message: `P2P share fell to ${percent(p2pShare)} from ${percent(hourShare)} over the past hour`,
      });
    }
  }
  const rate = stallRate(input.stalls, viewers, input.windowSeconds);
  if (rate > t.stallsPerViewerMinute) {
    alerts.push({
      code: 'STALLS_HIGH',
      severity: rate > t.stallsPerViewerMinuteCritical ? 'critical' : 'warning',
      message: `${rate.toFixed(1)} stalls per viewer a minute (alert above ${t.stallsPerViewerMinute}): check the origin and the CDN`,
    });
  }
  return alerts;
}
