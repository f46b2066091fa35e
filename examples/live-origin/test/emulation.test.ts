import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FIXTURE_DIR,
  LiveOriginError,
  STALL_SEND_BYTES,
  startLiveOrigin,
  type LiveOrigin,
} from '../src/index.js';
import { httpRequest } from './http-client.js';

let origin: LiveOrigin;
let segment: Buffer;
const SEGMENT = '/vod/360p/seg4.ts';

beforeAll(async () => {
  origin = await startLiveOrigin();
  segment = await readFile(path.join(DEFAULT_FIXTURE_DIR, '360p/seg4.ts'));
});
afterAll(async () => {
  await origin.close();
});
afterEach(() => {
  origin.configure({
    bandwidthKbps: 0,
    latencyMs: 0,
    failureRate: 0,
    failureKind: '503',
    ignoreRange: false,
  });
  origin.resetStats();
});

describe('failure injection', () => {
  it('503: the next matching segment requests fail, then service resumes', async () => {
    origin.injectFailures({ kind: '503', count: 2, match: '360p/' });
    expect((await httpRequest(`${origin.url}/vod/240p/seg4.ts`)).status).toBe(200);
    expect((await httpRequest(`${origin.url}${SEGMENT}`)).status).toBe(503);
    expect((await httpRequest(`${origin.url}/vod/360p/index.m3u8`)).status).toBe(200); // playlists never fail
    expect((await httpRequest(`${origin.url}${SEGMENT}`)).status).toBe(503);
    const ok = await httpRequest(`${origin.url}${SEGMENT}`);
    expect(ok.status).toBe(200);
    expect(ok.body.equals(segment)).toBe(true);
    expect(origin.stats().failuresInjected).toBe(2);
  });

  it('truncate: advertises the full length, sends about half, closes the connection', async () => {
    origin.injectFailures({ kind: 'truncate' });
    const res = await httpRequest(`${origin.url}${SEGMENT}`);
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(segment.length);
    expect(res.complete).toBe(false);
    expect(res.timedOut).toBe(false);
    expect(res.body.length).toBe(Math.floor(segment.length / 2));
    expect(res.body.equals(segment.subarray(0, res.body.length))).toBe(true);
    // Exact accounting of a cut body: what was sent, not what was advertised.
    expect(origin.stats().segmentBytes).toBe(res.body.length);
  });

  it('stall: headers and a little body, then nothing until the client gives up', async () => {
    origin.injectFailures({ kind: 'stall', match: 'seg4' });
    const started = Date.now();
    const res = await httpRequest(`${origin.url}${SEGMENT}`, { timeoutMs: 700 });
    expect(res.status).toBe(200);
    expect(res.timedOut).toBe(true);
    expect(res.complete).toBe(false);
    expect(res.body.length).toBe(STALL_SEND_BYTES);
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(origin.stats().segmentBytes).toBe(STALL_SEND_BYTES);
  });

  it('random failures follow failureRate and failureKind', async () => {
    origin.configure({ failureRate: 1, failureKind: '503' });
    expect((await httpRequest(`${origin.url}${SEGMENT}`)).status).toBe(503);
    origin.configure({ failureRate: 0 });
    expect((await httpRequest(`${origin.url}${SEGMENT}`)).status).toBe(200);
  });

  it('accepts injections over POST /control/failures', async () => {
    const res = await httpRequest(`${origin.url}/control/failures`, {
      method: 'POST',
      body: JSON.stringify({ kind: '503', count: 3 }),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ pendingFailures: 3 });
    expect((await httpRequest(`${origin.url}${SEGMENT}`)).status).toBe(503);
    expect(origin.control().pendingFailures).toBe(2);
    const bad = await httpRequest(`${origin.url}/control/failures`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'melt' }),
    });
    expect(bad.status).toBe(400);
    origin.injectFailures({ kind: '503', count: 1 }); // harmless leftovers are cleared below
    while (origin.control().pendingFailures > 0) await httpRequest(`${origin.url}${SEGMENT}`);
  });
});

describe('bandwidth and latency', () => {
  it('throttles a download to about bandwidthKbps', async () => {
    const kbps = 4000; // 500 kB/s: the segment needs about 0.36 s
    origin.configure({ bandwidthKbps: kbps });
    const theoreticalMs = (segment.length * 8) / kbps;
    const started = performance.now();
    const res = await httpRequest(`${origin.url}${SEGMENT}`);
    const elapsed = performance.now() - started;
    expect(res.body.equals(segment)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(theoreticalMs * 0.5);
    expect(origin.stats().segmentBytes).toBe(segment.length);
  });

  it('delays the response start by latencyMs', async () => {
    origin.configure({ latencyMs: 300 });
    const started = performance.now();
    expect((await httpRequest(`${origin.url}/vod/master.m3u8`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe('ignoreRange', () => {
  it('answers every ranged request with 200 and the whole body, and counts all of it', async () => {
    origin.configure({ ignoreRange: true });
    for (const range of ['bytes=0-99', `bytes=${segment.length - 10}-`, 'bytes=-5']) {
      const res = await httpRequest(`${origin.url}${SEGMENT}`, { headers: { Range: range } });
      expect(res.status, range).toBe(200);
      expect(res.body.equals(segment), range).toBe(true);
      expect(res.headers['content-range']).toBeUndefined();
      expect(res.headers['accept-ranges']).toBeUndefined();
    }
    // Even an unsatisfiable range: a server without range support never answers 416.
    const past = await httpRequest(`${origin.url}${SEGMENT}`, {
      headers: { Range: `bytes=${segment.length}-` },
    });
    expect(past.status).toBe(200);
    expect(origin.stats().segmentBytes).toBe(4 * segment.length);
  });

  it('switches over POST /control, and back', async () => {
    const ranged = () =>
      httpRequest(`${origin.url}${SEGMENT}`, { headers: { Range: 'bytes=0-9' } });
    expect((await ranged()).status).toBe(206);
    const on = await httpRequest(`${origin.url}/control`, {
      method: 'POST',
      body: '{"ignoreRange":true}',
    });
    expect(JSON.parse(on.body.toString())).toMatchObject({ settings: { ignoreRange: true } });
    expect((await ranged()).status).toBe(200);
    const bad = await httpRequest(`${origin.url}/control`, {
      method: 'POST',
      body: '{"ignoreRange":"yes"}',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error.message).toMatch(/ignoreRange.*true or false/);
    await httpRequest(`${origin.url}/control`, { method: 'POST', body: '{"ignoreRange":false}' });
    expect((await ranged()).status).toBe(206);
  });

  it('can be set at start, and byteRanges cannot change at runtime', async () => {
    const own = await startLiveOrigin({ ignoreRange: true });
    try {
      expect(own.control().settings.ignoreRange).toBe(true);
      const res = await httpRequest(`${own.url}${SEGMENT}`, { headers: { Range: 'bytes=0-9' } });
      expect(res.status).toBe(200);
      const bad = await httpRequest(`${own.url}/control`, {
        method: 'POST',
        body: '{"byteRanges":true}',
      });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body.toString()).error.message).toMatch(/cannot change at runtime/);
    } finally {
      await own.close();
    }
  });
});

describe('configure', () => {
  it('rejects bad values with a clear error and keeps the old settings', () => {
    origin.configure({ bandwidthKbps: 100 });
    const attempts: [object, RegExp][] = [
      [{ bandwidthKbps: -5 }, /bandwidthKbps/],
      [{ failureRate: 1.1 }, /failureRate.*0 to 1/],
      [{ failureKind: 'meltdown' }, /failureKind/],
      [{ windowSegments: 2 }, /cannot change at runtime/],
    ];
    for (const [patch, message] of attempts) {
      expect(() => origin.configure(patch)).toThrow(LiveOriginError);
      expect(() => origin.configure(patch)).toThrow(message);
    }
    expect(origin.control().settings.bandwidthKbps).toBe(100);
  });

  it('changes settings over POST /control and reports errors as 400', async () => {
    const res = await httpRequest(`${origin.url}/control`, {
      method: 'POST',
      body: JSON.stringify({ latencyMs: 5, failureKind: 'truncate' }),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      settings: { latencyMs: 5, failureKind: 'truncate' },
    });
    expect(origin.control().settings.latencyMs).toBe(5);
    const bad = await httpRequest(`${origin.url}/control`, {
      method: 'POST',
      body: '{"failureRate":7}',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString())).toMatchObject({ error: { code: 'INVALID_OPTION' } });
    const garbage = await httpRequest(`${origin.url}/control`, { method: 'POST', body: '{nope' });
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body.toString())).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const current = await httpRequest(`${origin.url}/control`);
    expect(JSON.parse(current.body.toString())).toMatchObject({ settings: { latencyMs: 5 } });
  });
});

describe('close', () => {
  it('returns promptly with a stalled and a throttled response in flight', async () => {
    const own = await startLiveOrigin({ bandwidthKbps: 8 }); // 1 kB/s: a segment takes minutes
    own.injectFailures({ kind: 'stall', match: '240p' });
    const stalled = httpRequest(`${own.url}/vod/240p/seg0.ts`, { timeoutMs: 30_000 });
    const slow = httpRequest(`${own.url}/vod/360p/seg0.ts`, { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await own.close();
    const [a, b] = await Promise.all([stalled, slow]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(a.complete).toBe(false);
    expect(b.complete).toBe(false);
    expect(a.timedOut || b.timedOut).toBe(false);
    await expect(httpRequest(`${own.url}/stats`)).rejects.toThrow(); // no longer listening
  });
});
