/**
 * The fast adversarial simulation (`npm run bench:adversary -- --fast`) on the real services:
 * honest viewers sharing the live stream beside a colluding receipt farm, forged and replayed
 * receipts, sybil floods and points farming. It asserts the numbers: fabricated credit
 * within the physical bound and never payable in the farm's first hour, honest credit at least
 * 99% payable once reputation has grown, no forged byte credited, no identity earning points
 * faster than an honest supporter, every flood within its configured cap, no 5xx.
 */
import { describe, expect, it } from 'vitest';
import { defaultParams } from '../bench/adversary/args.js';
import { checks } from '../bench/adversary/figures.js';
import { runAdversary } from '../bench/adversary/run.js';

describe('adversarial simulation (fast)', () => {
  it('keeps fabricated credit unpayable and honest credit payable', async () => {
    const lines: string[] = [];
    const result = await runAdversary(defaultParams(true), (line) => lines.push(line));
    expect(result.error, lines.join('\n')).toBeUndefined();
    expect(result.complete).toBe(true);
    const failed = checks(result).filter((check) => check.pass !== true);
    expect(
      failed.map((c) => `${c.name}: ${c.value} (target ${c.target})`),
      lines.join('\n'),
    ).toEqual([]);
  }, 180_000);
});
