/**
 * Decides which segment requests fail: deterministic one-shots first (for tests), then the
 * random `failureRate` (for soak runs and demos).
 */
import { LiveOriginError } from './live-origin-error.js';
import { FAILURE_KINDS, type FailureKind } from './options.js';

/** A batch of one-shot failures: the next `count` segment requests matching `match` fail. */
export interface FailureInjection {
  kind: FailureKind;
  /** @default 1 */
  count?: number;
  /** Substring of the request path (e.g. `'360p/'` or `'seq-12.ts'`); absent = any segment. */
  match?: string;
}

interface Pending {
  readonly kind: FailureKind;
  remaining: number;
  readonly match: string | undefined;
}

/** Validates an injection that may come from JSON (`POST /control/failures`). */
export function validateFailureInjection(
  input: unknown,
): Required<Omit<FailureInjection, 'match'>> & Pick<FailureInjection, 'match'> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LiveOriginError('INVALID_OPTION', 'a failure injection must be an object');
  }
  const { kind, count = 1, match, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new LiveOriginError('INVALID_OPTION', `unknown failure injection field "${unknown}"`);
  }
  if (!FAILURE_KINDS.includes(kind as FailureKind)) {
    throw new LiveOriginError(
      'INVALID_OPTION',
      `failure kind must be one of ${FAILURE_KINDS.join(', ')}`,
    );
  }
  if (!Number.isInteger(count) || (count as number) < 1) {
    throw new LiveOriginError('INVALID_OPTION', 'failure count must be an integer >= 1');
  }
  if (match !== undefined && typeof match !== 'string') {
    throw new LiveOriginError('INVALID_OPTION', 'failure match must be a string');
  }
  return { kind: kind as FailureKind, count: count as number, match };
}

/** Queue of one-shot failures plus the random rate. */
export class FailurePlan {
  #pending: Pending[] = [];
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Queues one-shot failures; they are consumed in the order they were injected. */
  inject(injection: FailureInjection): void {
    const { kind, count, match } = validateFailureInjection(injection);
    this.#pending.push({ kind, remaining: count, match });
  }

  /** One-shot failures not yet consumed. */
  pendingCount(): number {
    return this.#pending.reduce((sum, p) => sum + p.remaining, 0);
  }

  clear(): void {
    this.#pending = [];
  }

  /** The failure for a segment request to `path`, if any; consumes a matching one-shot. */
  next(path: string, rate: number, kind: FailureKind): FailureKind | undefined {
    const index = this.#pending.findIndex((p) => p.match === undefined || path.includes(p.match));
    const oneShot = this.#pending[index];
    if (oneShot !== undefined) {
      oneShot.remaining -= 1;
      if (oneShot.remaining === 0) this.#pending.splice(index, 1);
      return oneShot.kind;
    }
    return rate > 0 && this.#random() < rate ? kind : undefined;
  }
}
