import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { httpFetch, rangeHeader, type HttpFetchOptions } from './http-fetch.js';

const BODY = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);

/** An origin whose answer to `Range` the test picks: honour it, ignore it, or lie about it. */
let mode: 'honour' | 'ignore' | 'wrong-range' = 'honour';
const seen: IncomingHttpHeaders[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!match || mode === 'ignore') {
      res.writeHead(200, { 'content-length': BODY.byteLength });
      res.end(BODY);
      return;
    }
    const start = Number(match[1]);
    const end = match[2] ? Number(match[2]) : BODY.byteLength - 1;
    const shift = mode === 'wrong-range' ? 10 : 0;
    const part = BODY.subarray(start + shift, end + 1);
    res.writeHead(206, {
      'content-length': part.byteLength,
      'content-range': `bytes ${start + shift}-${end}/${BODY.byteLength}`,
    });
    res.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/seg.ts`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** `httpFetch`, with the segment bytes it hands on, in order, gathered into `bytes`. */
async function fetchBytes(target: string, options: Omit<HttpFetchOptions, 'onData'> = {}) {
  const parts: Uint8Array[] = [];
  const result = await httpFetch(target, {
    ...options,
    onData: (bytes) => parts.push(bytes.slice()),
  });
  return { ...result, bytes: new Uint8Array(Buffer.concat(parts)) };
}

describe('rangeHeader', () => {
  it('is none for a whole segment, open-ended for a resume, closed for a byte range', () => {
    expect(rangeHeader(undefined, 0)).toBeUndefined();
    expect(rangeHeader(undefined, 500)).toBe('bytes=500-');
    expect(rangeHeader({ start: 100, end: 200 }, 0)).toBe('bytes=100-199');
    expect(rangeHeader({ start: 100, end: 200 }, 50)).toBe('bytes=150-199');
  });
});

describe('httpFetch', () => {
  it('sends no Range for a whole segment', async () => {
    mode = 'honour';
    seen.length = 0;
    const result = await fetchBytes(url);
    expect(seen[0]?.range).toBeUndefined();
    expect(result.bytes).toEqual(BODY);
    expect(result.endedAt).toBeGreaterThanOrEqual(result.firstByteAt);
    expect(result.firstByteAt).toBeGreaterThanOrEqual(result.startedAt);
  });

  it.each(['honour', 'ignore'] as const)(
    'returns exactly the byte range when the origin does %s Range',
    async (m) => {
      mode = m;
      const result = await fetchBytes(url, { range: { start: 1000, end: 5000 } });
      expect(result.bytes).toEqual(BODY.subarray(1000, 5000));
      expect(result.bodyBytes).toBe(m === 'ignore' ? BODY.byteLength : 4000);
    },
  );

  it.each(['honour', 'ignore'] as const)(
    'resumes from an offset when the origin does %s Range',
    async (m) => {
      mode = m;
      const result = await fetchBytes(url, { offset: 60_000 });
      expect(result.bytes).toEqual(BODY.subarray(60_000));
      const ranged = await fetchBytes(url, { range: { start: 1000, end: 5000 }, offset: 1000 });
      expect(ranged.bytes).toEqual(BODY.subarray(2000, 5000));
    },
  );

  it('refuses a 206 whose Content-Range does not cover the request', async () => {
    mode = 'wrong-range';
    await expect(fetchBytes(url, { range: { start: 1000, end: 5000 } })).rejects.toBeInstanceOf(
      SdkError,
    );
  });

  it('refuses a byte range past the end of what the origin has', async () => {
    mode = 'ignore';
    await expect(fetchBytes(url, { range: { start: 90_000, end: 200_000 } })).rejects.toThrow(
      /shorter than the requested range/,
    );
  });
});
