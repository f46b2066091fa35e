import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchWithRetry, OriginFetchError } from './origin-fetch.js';

const servers: Array<Server | NetServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen<T extends Server | NetServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
}

const opts = (attempts: number, timeoutMs = 2000) => ({
  attempts,
  baseDelayMs: 1,
  timeoutMs,
  signal: new AbortController().signal,
});

describe('fetchWithRetry', () => {
  it('retries 503s and returns the complete body', async () => {
    let calls = 0;
    const url = await listen(
      createServer((_req, res) => {
        calls++;
        if (calls < 3) res.writeHead(503).end();
        else res.end('hello');
      }),
    );
    const errors: number[] = [];
    const body = await fetchWithRetry(url, {
      ...opts(4),
      onError: (_e, attempt) => errors.push(attempt),
    });
    expect(new TextDecoder().decode(body)).toBe('hello');
    expect(errors).toEqual([1, 2]);
  });

  it('gives up after the last attempt', async () => {
    const url = await listen(createServer((_req, res) => res.writeHead(404).end()));
    await expect(fetchWithRetry(url, opts(2))).rejects.toThrow(OriginFetchError);
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
    await expect(fetchWithRetry(url, opts(1))).rejects.toThrow(OriginFetchError);
  });

  it('times out a stalled response', async () => {
    const url = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { 'content-length': '10' });
        res.write('abc');
      }),
    );
    await expect(fetchWithRetry(url, opts(1, 200))).rejects.toThrow(OriginFetchError);
  });
});
