/**
 * Background CPU load for a trial: child processes that each keep one core busy, to see how
 * engines behave on a loaded viewer machine. They are registered with the run's Closers (so
 * they die on finish, failure, timeout and Ctrl-C), and each also exits by itself within a
 * tenth of a second once its parent is gone, so even a killed benchmark leaves none behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import type { Closers } from './closers.js';

/** Spins for 100 ms at a time, then checks that the process that started it still exists. */
const BUSY_LOOP = `const parent = process.ppid;
for (;;) {
  const until = Date.now() + 100;
  while (Date.now() < until);
  if (process.ppid !== parent) process.exit(0);
}`;

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts `count` busy processes (none for 0), at niceness `nice` (the viewers' machine, see
 * `--viewer-nice`); returns the function that stops them now. They
 * are registered before they start, so a spawn that fails half-way leaves nothing running.
 */
export function startCpuLoad(count: number, closers: Closers, nice = 0): () => Promise<void> {
  const children: ChildProcess[] = [];
  const close = closers.add(`cpu load (${count} processes)`, async () => {
    await Promise.all(children.map(stop));
  });
  for (let i = 0; i < count; i += 1) {
    const child = spawn(process.execPath, ['-e', BUSY_LOOP], { stdio: 'ignore' });
    child.on('error', (error) => console.error(`cpu load process: ${error.message}`));
    if (nice > 0 && child.pid !== undefined) setPriority(child.pid, nice);
    children.push(child);
  }
  return close;
}
