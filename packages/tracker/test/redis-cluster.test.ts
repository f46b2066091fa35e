import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { RedisCluster } from '../src/redis-cluster.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const redisUp = await redisAvailable();
const open: RedisCluster[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function cluster(): Promise<RedisCluster> {
  const c = new RedisCluster({
    url: REDIS_URL,
    keyPrefix: `test-${randomBytes(6).toString('hex')}:`,
    memberTtlMs: 3000,
    onExpired: () => undefined,
  });
  open.push(c);
  await c.connect();
  return c;
}

async function scriptCached(sha: string): Promise<boolean> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    return (await client.scriptExists(sha))[0] === 1;
  } finally {
    await client.quit();
  }
}

describe.skipIf(!redisUp)('RedisCluster.run', () => {
  it('runs a script Redis has not cached (EVAL), then by its SHA1 (EVALSHA)', async () => {
    const c = await cluster();
    // A body no other test or run has sent, so Redis cannot have it cached yet.
    const script = `return ARGV[1] .. ARGV[2] -- ${randomBytes(8).toString('hex')}`;
    const sha = createHash('sha1').update(script).digest('hex');
    expect(await scriptCached(sha)).toBe(false);
    expect(await c.run(script, ['first'])).toBe(`${c.prefix}first`);
    expect(await scriptCached(sha)).toBe(true);
    expect(await c.run(script, [2])).toBe(`${c.prefix}2`);
  });

  it('passes script errors through, whether the script was cached or not', async () => {
    const c = await cluster();
    const script = `return redis.error_reply('BENCH broken') -- ${randomBytes(8).toString('hex')}`;
    await expect(c.run(script, [])).rejects.toThrow('BENCH broken');
    await expect(c.run(script, [])).rejects.toThrow('BENCH broken');
  });
});
