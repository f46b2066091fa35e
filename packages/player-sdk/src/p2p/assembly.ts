/** Bytes of one segment gathered so far, from any mix of peers and HTTP, in order from offset 0. */
export class Assembly {
  private parts: Uint8Array[] = [];
  received = 0;
  total: number | undefined;
  p2pBytes = 0;
  httpBytes = 0;
  firstByteAt = 0;
  /** When the peer that sent the first byte was asked, and when its last byte came. */
  p2pRequestedAt = 0;
  p2pLastByteAt = 0;
  /** Bytes each peer contributed. */
  readonly contributors = new Map<string, number>();

  add(bytes: Uint8Array, from: 'p2p' | 'http', peerId?: string): void {
    if (peerId)
      this.contributors.set(peerId, (this.contributors.get(peerId) ?? 0) + bytes.byteLength);
    // Data-channel and fetch buffers may be reused: keep our own copy.
    this.parts.push(bytes.slice());
    this.received += bytes.byteLength;
    if (from === 'p2p') this.p2pBytes += bytes.byteLength;
    else this.httpBytes += bytes.byteLength;
    if (!this.firstByteAt) this.firstByteAt = performance.now();
  }

  reset(): void {
    this.parts = [];
    this.contributors.clear();
    this.received = this.p2pBytes = this.httpBytes = 0;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }

  /** The peer that delivered the whole segment, if one did. */
  soleUploader(): string | undefined {
    if (this.httpBytes > 0 || this.contributors.size !== 1) return undefined;
    return [...this.contributors.keys()][0];
  }
}
