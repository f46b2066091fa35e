/** What every attack gets from the run. */
import type { SimClock } from '../sim-clock.js';
import type { Stack } from '../stack.js';

export interface AttackContext {
  stack: Stack;
  clock: SimClock;
  log: (line: string) => void;
}
