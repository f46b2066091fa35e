import type { Kysely } from 'kysely';
import type { CoordinatorConfig } from '../config/config.js';
import type { DB } from '../db/schema.js';
import type { CoordinatorMetrics } from '../http/metrics.js';
import type { Clock } from '../util/clock.js';
import type { Limiter } from './limiter.js';
import {
  createOriginGuard,
  fetchWithRetry,
  OriginRefusedError,
  type OriginGuard,
  type OriginResource,
} from './origin-fetch.js';

/** What the followers share: storage, settings, metrics and the global fetch limiter. */
export interface IndexerDeps {
  readonly db: Kysely<DB>;
  readonly config: CoordinatorConfig;
  readonly metrics: CoordinatorMetrics;
  readonly clock: Clock;
  readonly limiter: Limiter;
}

const guards = new WeakMap<CoordinatorConfig, OriginGuard>();
/** One guard (allow-list and connection pool) per coordinator config. */
function guardFor(config: CoordinatorConfig): OriginGuard {
  let guard = guards.get(config);
  if (guard === undefined) {
    guard = createOriginGuard({
      allowList: config.originAllowList,
      maxRedirects: config.originMaxRedirects,
    });
    guards.set(config, guard);
  }
  return guard;
}

/**
 * GET with the configured timeout, retries, size limit and origin policy, counting failed
 * attempts by kind (and refusals by the policy apart).
 */
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
    maxBytes:
      kind === 'playlist' ? deps.config.originMaxPlaylistBytes : deps.config.originMaxSegmentBytes,
    guard: guardFor(deps.config),
    onError: (error, attempt) => {
      deps.metrics.indexerFetchErrors.inc({ kind });
      if (error instanceof OriginRefusedError) deps.metrics.originRefusals.inc({ where: 'fetch' });
      onError(error, attempt);
    },
  });
}
