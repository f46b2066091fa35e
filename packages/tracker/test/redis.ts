import { connect as tcpConnect } from 'node:net';

/** The Redis the cluster tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether Redis answers. In CI (CI=true) a missing Redis fails the run;
 * locally the cluster tests are skipped with a loud warning.
 */
export async function redisAvailable(): Promise<boolean> {
  if (await redisReachable(REDIS_URL)) return true;
  if (process.env.CI === 'true') throw new Error(`cluster tests need Redis at ${REDIS_URL} in CI`);
  console.warn(
    `\n!!! SKIPPING tracker cluster tests: no Redis at ${REDIS_URL} (set REDIS_URL) !!!\n`,
  );
  return false;
}
