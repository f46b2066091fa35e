import {
  MAX_USAGE_BYTES_PER_SECOND,
  MAX_USAGE_SECONDS,
  MAX_USAGE_SEGMENTS_PER_SECOND,
  type UsageReport,
} from '@streamrp2p/protocol';

/** What the viewer loaded since it started (the engine's counters, and the player's stalls). */
export interface UsageTotals {
  httpBytes: number;
  httpSegments: number;
  p2pBytes: number;
  p2pSegments: number;
  stalls: number;
}

/** A report ready to send; `commit()` once the coordinator accepted it. */
export interface PendingUsage {
  report: UsageReport;
  commit(): void;
}

const FIELDS = ['httpBytes', 'httpSegments', 'p2pBytes', 'p2pSegments', 'stalls'] as const;

/**
 * Usage reports (decision 33): the difference of the totals since the last accepted report,
 * due every `everyMs`. A report that failed is not committed, so the next one covers its span
 * too; a span longer than the coordinator accepts is sent as its longest span, each counter
 * clamped to the physical bound, so a report is never refused (and a long outage loses a little).
 *
 * @example
 * const usage = new UsageReporter(() => engineTotals(), Date.now, 30_000);
 * const due = usage.take(); // undefined until 30 s passed and something was loaded
 * if (due) { await send(due.report); due.commit(); }
 */
export class UsageReporter {
  private base: UsageTotals;
  private since: number;

  constructor(
    private readonly totals: () => UsageTotals,
    private readonly now: () => number,
    private readonly everyMs: number,
  ) {
    this.base = { ...totals() };
    this.since = now();
  }

  /** Whether a report is due (time passed; the totals may still show nothing new). */
  get due(): boolean {
    return this.now() - this.since >= this.everyMs;
  }

  /** The report due now (any time with `force`), or undefined when none is or nothing changed. */
  take(force = false): PendingUsage | undefined {
    const now = this.now();
    if (!force && now - this.since < this.everyMs) return undefined;
    const current = { ...this.totals() };
    const delta = FIELDS.map((f) => Math.max(0, Math.round(current[f] - this.base[f])));
    if (delta.every((d) => d === 0)) {
      // Nothing loaded (paused): the next report starts now.
      this.since = now;
      return undefined;
    }
    const seconds = Math.min(MAX_USAGE_SECONDS, Math.max(1, Math.round((now - this.since) / 1000)));
    const bytes = seconds * MAX_USAGE_BYTES_PER_SECOND;
    const segments = seconds * MAX_USAGE_SEGMENTS_PER_SECOND;
    const [httpBytes, httpSegments, p2pBytes, p2pSegments, stalls] = delta as [
      number,
      number,
      number,
      number,
      number,
    ];
    const report: UsageReport = {
      seconds,
      httpBytes: Math.min(httpBytes, bytes),
      httpSegments: Math.min(httpSegments, segments),
      p2pBytes: Math.min(p2pBytes, bytes),
      p2pSegments: Math.min(p2pSegments, segments),
      stalls: Math.min(stalls, seconds),
    };
    return {
      report,
      commit: () => {
        this.base = current;
        this.since = now;
      },
    };
  }
}
