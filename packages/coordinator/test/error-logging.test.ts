/**
 * What a 500 leaves behind: one error line in the structured log with the request id the
 * client got, and one count, as a database error or as an internal one, never both.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator, type Api } from './api.js';
import { cuttablePGlite, type CuttableDatabase } from './cuttable-database.js';
import type { TestDatabase } from './databases.js';

const opened: CuttableDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

async function counter(api: Api, name: string): Promise<number> {
  const text = (await api.get('/metrics')).body as string;
  return Number(new RegExp(`^streamrp2p_coordinator_${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

describe('error logging', () => {
  it('logs each 500 at error level with its request id and counts database and other errors apart', async () => {
    const faulty = await cuttablePGlite();
    opened.push(faulty);
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line));
        done();
      },
    });
    const t: TestDatabase = { backend: 'pglite', database: faulty.database, url: undefined };
    const { api, coordinator } = await startCoordinator(t, {
      indexerEnabled: false,
      // No background job may meet the failing queries: only the two requests count.
      creditRollupIntervalMs: 0,
      collusionIntervalMs: 0,
      logger: pino({ level: 'info' }, sink),
    });

    await coordinator.flushCredits();
    // A query the database refuses (an undefined table): a database error.
    // Only the stream look-ups fail: background jobs never read streams.
    const streamQueries = /from "streams"/;
    faulty.failQueries!(
      Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }),
      streamQueries,
    );
    const dbFailure = await api.get('/api/streams/some-stream', {
      headers: { 'x-request-id': 'req-db-1' },
    });
    // A bug: an error that is neither the client's nor the database's.
    faulty.failQueries!(
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      streamQueries,
    );
    const bug = await api.get('/api/streams/some-stream');
    faulty.failQueries!(undefined);

    expect([dbFailure.status, dbFailure.body.error.code]).toEqual([500, 'INTERNAL_ERROR']);
    expect(dbFailure.headers.get('x-request-id')).toBe('req-db-1');
    expect(dbFailure.body.error.message).toBe('internal error (request id req-db-1)');
    const bugId = bug.headers.get('x-request-id')!;
    expect(bugId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bug.body.error.message).toContain(bugId);
    expect(await counter(api, 'db_errors_total')).toBe(1);
    expect(await counter(api, 'internal_errors_total')).toBe(1);

    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => [l.reqId, l.method, l.path])).toEqual([
      ['req-db-1', 'GET', '/api/streams/some-stream'],
      [bugId, 'GET', '/api/streams/some-stream'],
    ]);
    expect((errors[1]!.err as { type: string; message: string }).message).toMatch(/reading 'id'/);
    // Headers (bearer keys and secrets) never reach the log.
    expect(JSON.stringify(lines)).not.toMatch(/authorization|x-request-id/i);
    // A forged request id is not echoed into the log.
    const forged = await api.get('/healthz', { headers: { 'x-request-id': 'a\tb"}{' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
