/**
 * Our "fetching" announcement for one segment. Neighbours that see it wait for us instead of
 * fetching the segment over HTTP themselves, so we make it while we download the segment (over
 * HTTP or from a peer) and also while we wait for a neighbour that announced it: that passes
 * "someone is getting it" across the mesh ahead of the bytes, to viewers that are not the
 * fetcher's neighbours. Waits are bounded by the deadline, so a claim whose source went away
 * costs time, never a stall.
 */
export class FetchClaim {
  private claimed = false;

  constructor(private readonly announce: (claimed: boolean) => void) {}

  set(claimed: boolean): void {
    if (claimed === this.claimed) return;
    this.claimed = claimed;
    this.announce(claimed);
  }

  /** The segment was delivered: storing it turns the claim into "held". */
  delivered(): void {
    this.claimed = false;
  }
}
