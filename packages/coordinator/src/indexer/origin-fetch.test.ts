import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOriginGuard,
  fetchBytes,
  fetchWithRetry,
  OriginFetchError,
  OriginRefusedError,
  type OriginGuard,
  INDEXER_USER_AGENT,
} from './origin-fetch.js';

/** The test origins listen on 127.0.0.1; only it is allow-listed. */
const loopback = createOriginGuard({ allowList: ['127.0.0.1'], maxRedirects: 3 });

const servers: Array<Server | NetServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen<T extends Server | NetServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
}

const opts = (attempts: number, timeoutMs = 2000, guard: OriginGuard = loopback) => ({
  attempts,
  baseDelayMs: 1,
  timeoutMs,
  signal: new AbortController().signal,
  guard,
});

describe('fetchWithRetry', () => {
  it('retries 503s and returns the complete body', async () => {
    let calls = 0;
    const agents: Array<string | undefined> = [];
    const url = await listen(
      createServer((req, res) => {
        calls++;
        agents.push(req.headers['user-agent']);
        if (calls < 3) res.writeHead(503).end();
        else res.end('hello');
      }),
    );
    const errors: number[] = [];
    const body = await fetchWithRetry(
      { url },
      {
        ...opts(4),
        onError: (_e, attempt) => errors.push(attempt),
      },
    );
    expect(new TextDecoder().decode(body)).toBe('hello');
    expect(errors).toEqual([1, 2]);
    // Origins (and the demo's per-client counters) tell the indexer apart by its User-Agent.
    expect(agents).toEqual([INDEXER_USER_AGENT, INDEXER_USER_AGENT, INDEXER_USER_AGENT]);
  });

  it('gives up after the last attempt', async () => {
    const url = await listen(createServer((_req, res) => res.writeHead(404).end()));
    await expect(fetchWithRetry({ url }, opts(2))).rejects.toThrow(OriginFetchError);
  });

  it('rejects a body cut short of its Content-Length', async () => {
    const url = await listen(
      createNetServer((socket) => {
        socket.once('data', () => {
          socket.end(
            'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n' + 'a'.repeat(50),
          );
        });
      }),
    );
    await expect(fetchWithRetry({ url }, opts(1))).rejects.toThrow(OriginFetchError);
  });

  it('times out a stalled response', async () => {
    const url = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-length': '10' });
        res.write('abc');
      }),
    );
    await expect(fetchWithRetry({ url }, opts(1, 200))).rejects.toThrow(OriginFetchError);
  });
});

describe('fetchBytes with a byte range', () => {
  const resource = new Uint8Array(randomBytes(50_000));
  const range = { start: 20_000, end: 36_384 };

  /** Serves `resource`; `answer` decides how a Range request is (mis)handled. Records Range headers. */
  async function origin(answer: (res: ServerResponse, first: number, last: number) => void) {
    const seen: Array<string | undefined> = [];
    const url = await listen(
      createServer((req, res) => {
        seen.push(req.headers.range);
        const asked = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
        if (asked === null) res.end(resource);
        else answer(res, Number(asked[1]), Number(asked[2]));
      }),
    );
    return { url, seen };
  }

  const partial = (res: ServerResponse, first: number, last: number, contentRange: string) =>
    res.writeHead(206, { 'content-range': contentRange }).end(resource.subarray(first, last + 1));

  it('asks for exactly the range (end inclusive on the wire) and returns its bytes from a 206', async () => {
    const { url, seen } = await origin((res, first, last) =>
      partial(res, first, last, `bytes ${first}-${last}/${resource.length}`),
    );
    const bytes = await fetchBytes({ url, range }, opts(1));
    expect(Buffer.from(bytes).equals(resource.subarray(20_000, 36_384))).toBe(true);
    // Without a range: no Range header, the whole resource.
    expect((await fetchBytes({ url }, opts(1))).length).toBe(resource.length);
    expect(seen).toEqual(['bytes=20000-36383', undefined]);
  });

  it('cuts the range out of a 200 when the origin ignores Range, and refuses a body too short for it', async () => {
    const { url } = await origin((res) => res.end(resource));
    const bytes = await fetchBytes({ url, range }, opts(1));
    expect(Buffer.from(bytes).equals(resource.subarray(20_000, 36_384))).toBe(true);
    await expect(
      fetchBytes({ url, range: { start: 49_000, end: 50_001 } }, opts(1)),
    ).rejects.toThrow(/bytes=49000-50000: Range ignored and the 50000-byte body ends before 50001/);
  });

  it('rejects a 206 whose Content-Range is not the range asked for, or is missing', async () => {
    const shifted = await origin((res, first, last) =>
      partial(res, first + 1, last + 1, `bytes ${first + 1}-${last + 1}/${resource.length}`),
    );
    await expect(fetchWithRetry({ url: shifted.url, range }, opts(2))).rejects.toThrow(
      /206 with Content-Range bytes 20001-36384\/50000, asked bytes=20000-36383/,
    );
    // A retry is made: an origin may answer correctly the next time.
    expect(shifted.seen).toHaveLength(2);
    const missing = await origin((res, first, last) =>
      res.writeHead(206).end(resource.subarray(first, last + 1)),
    );
    await expect(fetchBytes({ url: missing.url, range }, opts(1))).rejects.toThrow(
      /206 with Content-Range missing, asked bytes=20000-36383/,
    );
  });
});

describe('the origin guard', () => {
  /** An origin answering `path` with `answer`; every request's path is recorded. */
  async function routes(answer: Record<string, (res: ServerResponse) => void>) {
    const seen: string[] = [];
    const url = await listen(
      createServer((req, res) => {
        seen.push(req.url ?? '');
        const handler = answer[req.url ?? ''];
        if (handler === undefined) res.writeHead(404).end();
        else handler(res);
      }),
    );
    return { base: url.replace(/\/x$/, ''), seen };
  }
  const redirect = (location: string) => (res: ServerResponse) =>
    res.writeHead(302, { location }).end();

  it('follows redirects (relative ones too) to allowed hosts', async () => {
    const { base, seen } = await routes({
      '/a': redirect('/b'),
      '/b': redirect('./c'),
      '/c': (res) => res.end('at last'),
    });
    const body = await fetchBytes({ url: `${base}/a` }, opts(1));
    expect(new TextDecoder().decode(body)).toBe('at last');
    expect(seen).toEqual(['/a', '/b', '/c']);
  });

  it('checks every hop: a redirect to a private, loopback or non-http URL is refused, unretried', async () => {
    const port = new URL((await routes({})).base).port;
    for (const target of [
      'http://10.1.2.3/secret',
      `http://127.0.0.2:${port}/secret`,
      'http://[::1]/secret',
      'http://169.254.169.254/latest/meta-data/',
      'ftp://127.0.0.1/x',
      'file:///etc/passwd',
    ]) {
      const { base, seen } = await routes({ '/a': redirect(target) });
      const errors: unknown[] = [];
      await expect(
        fetchWithRetry({ url: `${base}/a` }, { ...opts(3), onError: (e) => errors.push(e) }),
      ).rejects.toThrow(OriginRefusedError);
      expect(seen).toEqual(['/a']);
      expect(errors).toHaveLength(1);
    }
  });

  it('refuses a name that resolves to loopback (localhost) unless the name or its range is allowed', async () => {
    const { base } = await routes({ '/a': (res) => res.end('ok') });
    const byName = base.replace('127.0.0.1', 'localhost');
    const strict = createOriginGuard({ allowList: [], maxRedirects: 3 });
    await expect(fetchBytes({ url: `${byName}/a` }, opts(1, 2000, strict))).rejects.toThrow(
      /localhost resolves to 127\.0\.0\.1, not a public address/,
    );
    await expect(fetchBytes({ url: `${base}/a` }, opts(1, 2000, strict))).rejects.toThrow(
      OriginRefusedError,
    );
    const byHost = createOriginGuard({ allowList: ['localhost'], maxRedirects: 3 });
    expect((await fetchBytes({ url: `${byName}/a` }, opts(1, 2000, byHost))).length).toBe(2);
    // The allow-list's range covers the address the name resolves to.
    expect((await fetchBytes({ url: `${byName}/a` }, opts(1))).length).toBe(2);
    // Without a guard a request gets the strict policy.
    await expect(
      fetchBytes({ url: `${base}/a` }, { timeoutMs: 2000, signal: new AbortController().signal }),
    ).rejects.toThrow(OriginRefusedError);
  });

  it('stops after the redirect limit', async () => {
    const { base, seen } = await routes({ '/loop': redirect('/loop') });
    await expect(fetchBytes({ url: `${base}/loop` }, opts(1))).rejects.toThrow(
      /more than 3 redirects/,
    );
    expect(seen).toHaveLength(4);
  });

  it('refuses a body over the size limit, declared or streamed without a length', async () => {
    const big = Buffer.alloc(100_000, 1);
    const { base } = await routes({
      '/declared': (res) => res.end(big),
      '/chunked': (res) => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.write(big.subarray(0, 60_000));
        res.end(big.subarray(60_000));
      },
    });
    for (const path of ['/declared', '/chunked']) {
      await expect(
        fetchWithRetry({ url: `${base}${path}` }, { ...opts(3), maxBytes: 50_000 }),
      ).rejects.toThrow(/over the 50000-byte limit/);
      expect(
        (await fetchBytes({ url: `${base}${path}` }, { ...opts(1), maxBytes: 100_000 })).length,
      ).toBe(100_000);
    }
  });
});
