import type { EngineConfig } from './config.js';
import { SdkError, SdkErrorCode } from '../errors.js';

/** The engine options that may change while it runs (`P2PEngine.setUploadPolicy`). */
export type UploadPolicy = Pick<EngineConfig, 'consumeOnly' | 'maxUploadKbps'>;

/**
 * `policy` with `change` applied (`undefined` fields keep their value), validated like the
 * engine's config: `consumeOnly` true, false or `'auto'`; `maxUploadKbps` positive (`Infinity`
 * for no cap).
 */
export function resolveUploadPolicy(
  policy: UploadPolicy,
  change: Partial<UploadPolicy>,
): UploadPolicy {
  const next = {
    consumeOnly: change.consumeOnly ?? policy.consumeOnly,
    maxUploadKbps: change.maxUploadKbps ?? policy.maxUploadKbps,
  };
  if (next.consumeOnly !== true && next.consumeOnly !== false && next.consumeOnly !== 'auto') {
    throw invalid(`consumeOnly must be true, false or "auto", got ${String(next.consumeOnly)}`);
  }
  if (typeof next.maxUploadKbps !== 'number' || !(next.maxUploadKbps > 0)) {
    throw invalid(`maxUploadKbps must be a positive number, got ${String(next.maxUploadKbps)}`);
  }
  return next;
}

/**
 * The upload limiter's token bucket for a cap: bytes per second, and a burst of one second of
 * it (at least 64 KiB, a few chunks); undefined without a cap.
 */
export function limiterRate(
  maxUploadKbps: number,
): { ratePerSecond: number; capacity: number } | undefined {
  if (!Number.isFinite(maxUploadKbps)) return undefined;
  const ratePerSecond = (maxUploadKbps * 1000) / 8;
  return { ratePerSecond, capacity: Math.max(64 * 1024, ratePerSecond) };
}

function invalid(message: string): SdkError {
  return new SdkError(SdkErrorCode.InvalidConfig, message);
}
