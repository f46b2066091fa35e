/** Smoothing of the moving averages: the weight of the newest sample. */
const ALPHA = 0.3;

function smooth(current: number | undefined, sample: number): number {
  return current === undefined ? sample : current * (1 - ALPHA) + sample * ALPHA;
}

/**
 * Predicts how long an HTTP download of a segment takes: time to first byte plus its size at
 * the measured throughput. The scheduler must know this to wait for peers only as long as
 * HTTP could still make the deadline.
 */
export class HttpEstimator {
  private ttfbMs: number | undefined;
  private bytesPerMs: number | undefined;
  private readonly segmentBytes = new Map<string, number>();

  constructor(
    /** Prediction before anything was measured. */
    private readonly initialMs = 1000,
  ) {}

  /** Records a finished HTTP download. */
  record(swarm: string, bytes: number, totalMs: number, ttfbMs: number): void {
    this.segmentBytes.set(swarm, smooth(this.segmentBytes.get(swarm), bytes));
    this.ttfbMs = smooth(this.ttfbMs, Math.max(0, ttfbMs));
    // Tiny bodies say little about throughput.
    if (bytes >= 16_384)
      this.bytesPerMs = smooth(this.bytesPerMs, bytes / Math.max(1, totalMs - ttfbMs));
  }

  /** Records a segment's size however it arrived, so the prediction knows what it will fetch. */
  recordSize(swarm: string, bytes: number): void {
    this.segmentBytes.set(swarm, smooth(this.segmentBytes.get(swarm), bytes));
  }

  /** The expected size of a segment of `swarm`, bytes, once one arrived. */
  segmentSize(swarm: string): number | undefined {
    return this.segmentBytes.get(swarm);
  }

  /** Measured throughput and time to first byte, once a real transfer was measured. */
  rate(): { bitsPerSecond: number; ttfbMs: number } | undefined {
    if (this.ttfbMs === undefined || this.bytesPerMs === undefined) return undefined;
    return { bitsPerSecond: this.bytesPerMs * 8000, ttfbMs: this.ttfbMs };
  }

  /** Expected duration of an HTTP download of a segment of `swarm` (or of `bytes` of it), ms. */
  estimateMs(swarm: string, bytes?: number): number {
    const size = bytes ?? this.segmentBytes.get(swarm);
    if (this.ttfbMs === undefined || this.bytesPerMs === undefined || size === undefined) {
      return this.initialMs;
    }
    return this.ttfbMs + size / this.bytesPerMs;
  }
}
