/**
 * One coordinator process of the chat benchmark (`chat-load.ts` forks one or two): the database
 * of `BENCH_DATABASE_URL` (PGlite in memory without it), the chat's Redis adapter on
 * `BENCH_REDIS_URL` when set, the indexer off. Sends `{ type: 'ready', url }` once listening and
 * closes on `{ type: 'close' }`.
 */
import { createCoordinator } from '@streamrp2p/coordinator';

export type ChatServerMessage = { type: 'ready'; url: string } | { type: 'error'; message: string };

const databaseUrl = process.env.BENCH_DATABASE_URL;
const redisUrl = process.env.BENCH_REDIS_URL;
const coordinator = createCoordinator({
  port: 0,
  host: '127.0.0.1',
  ...(databaseUrl === undefined || databaseUrl === '' ? { dataDir: 'memory://' } : { databaseUrl }),
  ...(redisUrl === undefined || redisUrl === '' ? {} : { redisUrl }),
  indexerEnabled: false,
  logLevel: 'warn',
  // The simulated viewers come from fake client addresses (X-Forwarded-For), one /24 each.
  trustProxy: 1,
  sessionTtlSeconds: 3600,
  // The load test's stream names a loopback URL (never fetched: the indexer is off).
  originAllowList: ['127.0.0.1'],
});

coordinator.start().then(
  ({ url }) => process.send?.({ type: 'ready', url } satisfies ChatServerMessage),
  (error: unknown) => {
    process.send?.({ type: 'error', message: String(error) } satisfies ChatServerMessage);
    process.exit(1);
  },
);

process.on('message', (message: { type: string }) => {
  if (message.type === 'close') void coordinator.close().then(() => process.exit(0));
});
process.on('disconnect', () => void coordinator.close().then(() => process.exit(0)));
