import type { Response } from 'express';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { LimitHit } from './address-limits.js';

/**
 * The `429 RATE_LIMITED` for `hit`, to throw: sets `Retry-After` on `res` (the error handler keeps
 * headers already set) and counts the refusal by limit.
 *
 * @example
 * if (hit !== undefined) throw rateLimited(ctx, res, hit);
 */
export function rateLimited(ctx: AppContext, res: Response, hit: LimitHit): ApiError {
  ctx.metrics.limitRefusals.inc({ limit: hit.limit });
  res.set('Retry-After', String(hit.retryAfterSeconds));
  return new ApiError('RATE_LIMITED', `${hit.message}; retry in ${hit.retryAfterSeconds} s`);
}
