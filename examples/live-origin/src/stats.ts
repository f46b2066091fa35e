/**
 * Traffic accounting: body bytes actually written and requests, in total, per kind and per
 * client. This is the "CDN bill" against which P2P offload is measured.
 */

/** Which kind of media request a counter belongs to. */
export type TrafficKind = 'playlist' | 'segment';

/** Counters of one client. */
export interface ClientTraffic {
  /** Body bytes written to this client (playlists + segments). */
  bytes: number;
  requests: number;
  segmentBytes: number;
  segmentRequests: number;
  playlistBytes: number;
  playlistRequests: number;
}

/**
 * What `GET /stats` and `origin.stats()` return. Only media requests (`/vod/*`, `/live/*`) are
 * counted, including failed ones; `/stats`, `/control` and CORS preflights are not.
 */
export interface OriginStats {
  /** When counting started (origin start or last reset), in ms of the origin's clock. */
  since: number;
  /** Body bytes of all media responses (= segmentBytes + playlistBytes). */
  totalBytes: number;
  /** Media requests (= segmentRequests + playlistRequests). */
  totalRequests: number;
  segmentBytes: number;
  segmentRequests: number;
  playlistBytes: number;
  playlistRequests: number;
  /** Segment requests answered with an injected failure (any kind). */
  failuresInjected: number;
  /**
   * Counters per client id (`X-Client-Id` header, else `?client=`, else `indexer` for the
   * coordinator's segment indexer, else `anonymous`).
   */
  clients: Record<string, ClientTraffic>;
}

/** Client id for requests that carry none. */
export const ANONYMOUS_CLIENT = 'anonymous';

/** Client id of the StreamrP2P coordinator's segment indexer (by its User-Agent). */
export const INDEXER_CLIENT = 'indexer';

function emptyTraffic(): ClientTraffic {
  return {
    bytes: 0,
    requests: 0,
    segmentBytes: 0,
    segmentRequests: 0,
    playlistBytes: 0,
    playlistRequests: 0,
  };
}

/** Mutable counters behind {@link OriginStats}. */
export class TrafficStats {
  #since: number;
  #total = emptyTraffic();
  #clients = new Map<string, ClientTraffic>();
  #failures = 0;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
    this.#since = now();
  }

  #client(id: string): ClientTraffic {
    let traffic = this.#clients.get(id);
    if (traffic === undefined) {
      traffic = emptyTraffic();
      this.#clients.set(id, traffic);
    }
    return traffic;
  }

  /** Counts one media request. */
  addRequest(client: string, kind: TrafficKind): void {
    for (const t of [this.#total, this.#client(client)]) {
      t.requests += 1;
      if (kind === 'segment') t.segmentRequests += 1;
      else t.playlistRequests += 1;
    }
  }

  /** Counts body bytes once they have been handed to the kernel. */
  addBytes(client: string, kind: TrafficKind, bytes: number): void {
    for (const t of [this.#total, this.#client(client)]) {
      t.bytes += bytes;
      if (kind === 'segment') t.segmentBytes += bytes;
      else t.playlistBytes += bytes;
    }
  }

  addFailure(): void {
    this.#failures += 1;
  }

  /** A deep copy: callers may keep or mutate it. */
  snapshot(): OriginStats {
    const clients: Record<string, ClientTraffic> = {};
    for (const [id, t] of this.#clients) clients[id] = { ...t };
    const { bytes, requests, ...byKind } = this.#total;
    return {
      since: this.#since,
      totalBytes: bytes,
      totalRequests: requests,
      ...byKind,
      failuresInjected: this.#failures,
      clients,
    };
  }

  reset(): void {
    this.#since = this.#now();
    this.#total = emptyTraffic();
    this.#clients.clear();
    this.#failures = 0;
  }
}
