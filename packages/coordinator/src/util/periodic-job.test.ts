import { describe, expect, it } from 'vitest';
import { PeriodicJob } from './periodic-job.js';

describe('PeriodicJob', () => {
  it('runs on its interval and on demand, never two at once, and keeps going after a failure', async () => {
    let running = 0;
    let overlapped = false;
    const runs: boolean[] = [];
    const errors: string[] = [];
    const job = new PeriodicJob({
      intervalMs: 5,
      run: async (scheduled) => {
        running += 1;
        if (running > 1) overlapped = true;
        runs.push(scheduled);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running -= 1;
        if (scheduled && runs.filter(Boolean).length === 1) throw new Error('first failed');
        return runs.length;
      },
      onError: (error) => errors.push(error.message),
    });
    job.start();
    const asked = await Promise.all([job.run(), job.run()]);
    await expect.poll(() => runs.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    await job.close();
    const after = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.length).toBe(after);
    expect(overlapped).toBe(false);
    expect(errors).toEqual(['first failed']);
    expect(asked[0]).toBeLessThan(asked[1]);
    expect(runs.filter((scheduled) => !scheduled)).toHaveLength(2);
  });

  it('runs only on demand with an interval of 0, and rejects to the caller', async () => {
    const job = new PeriodicJob<number>({
      intervalMs: 0,
      run: () => Promise.reject(new Error('no')),
      onError: () => expect.unreachable(),
    });
    job.start();
    await expect(job.run()).rejects.toThrow('no');
    await job.close();
  });
});
