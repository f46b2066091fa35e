/** Weight of the newest download in the smoothed speed. */
const SPEED_ALPHA = 0.3;

/**
 * How well one peer has served us: its downloads' outcomes and smoothed speed. The peer
 * connection owns it; the segment loader records each download from the peer, and the
 * scheduler ranks holders and estimates waits by it.
 *
 * @example
 * peer.score.recordSuccess(bytes, ms);
 * holders.sort((a, b) => PeerScore.compare(a.score, b.score));
 */
export class PeerScore {
  private bytesPerMs = 0;
  private succeeded = 0;
  private failed = 0;

  /** Smoothed download speed from this peer, bytes per ms (0 until a download finished). */
  get speed(): number {
    return this.bytesPerMs;
  }

  /** Downloads from this peer that delivered every byte asked for. */
  get successes(): number {
    return this.succeeded;
  }

  /** Downloads from this peer that failed: absent, timed out, too slow, closed, refused. */
  get failures(): number {
    return this.failed;
  }

  /** A download of `bytes` from this peer that took `ms`. */
  recordSuccess(bytes: number, ms: number): void {
    // A transfer that finished within the clock's resolution says "fast", not "infinitely fast".
    const sample = bytes / Math.max(1, ms);
    this.bytesPerMs = this.bytesPerMs
      ? this.bytesPerMs * (1 - SPEED_ALPHA) + sample * SPEED_ALPHA
      : sample;
    this.succeeded += 1;
  }

  /** A download from this peer that failed (an abort by our own player is not its fault). */
  recordFailure(): void {
    this.failed += 1;
  }

  /** Orders scores best first: faster, then fewer failures; 0 when neither tells them apart. */
  static compare(a: PeerScore, b: PeerScore): number {
    return b.speed - a.speed || a.failures - b.failures;
  }
}
