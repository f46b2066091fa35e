import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import type { Limiter } from './limiter.js';
import { fetchWithRetry, type OriginResource } from './origin-fetch.js';

/** What the followers share: storage, settings, metrics and the global fetch limiter. */
export interface IndexerDeps {
  readonly db: Kysely<DB>;
  readonly config: CoordinatorConfig;
  readonly metrics: CoordinatorMetrics;
  readonly clock: Clock;
  readonly limiter: Limiter;
}

/** GET with the configured timeout and retries, counting failed attempts by kind. */
export function originGet(
  deps: IndexerDeps,
  resource: OriginResource,
  kind: 'playlist' | 'segment',
  signal: AbortSignal,
  onError: (error: unknown, attempt: number) => void,
): Promise<Uint8Array> {
  return fetchWithRetry(resource, {
    signal,
    timeoutMs: deps.config.indexerFetchTimeoutMs,
    attempts: deps.config.indexerAttempts,
    baseDelayMs: deps.config.indexerRetryBaseMs,
    onError: (error, attempt) => {
      deps.metrics.indexerFetchErrors.inc({ kind });
      onError(error, attempt);
    },
  });
}
