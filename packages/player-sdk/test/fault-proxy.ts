/**
 * An HTTP proxy in front of a real server that can fail on demand: what a coordinator outage
 * looks like to a client (a 503, a connection cut, an answer that never comes), without faking
 * the server's behaviour. Counts the requests that went through it.
 */
import {
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `lose`: the request reaches the server, which acts on it, but its answer is cut off (what a
 * client sees when the connection drops after the server did the work).
 */
export type FaultMode = 'pass' | '503' | '429' | 'garbage' | 'close' | 'hang' | 'lose';

export class FaultProxy {
  mode: FaultMode = 'pass';
  /** Paths the mode applies to (all when undefined); the others pass. */
  failPaths: RegExp | undefined;
  /**
   * Appended to `X-Forwarded-For`, as a reverse proxy does: the address the server (trusting
   * loopback proxies) takes for the client. A header only: nothing is sent to it.
   */
  forwardedFor: string | undefined;
  url = '';
  /** Every request that reached the proxy; `body` (parsed JSON) is set once it was read. */
  readonly requests: {
    method: string;
    path: string;
    query: URLSearchParams;
    auth: string | undefined;
    /** What the proxy did with it. */
    mode: FaultMode;
    /** When it arrived (`performance.now()`). */
    at: number;
    body?: unknown;
    /** Whether the whole answer went back to the client (false if it gave up first). */
    answered: boolean;
  }[] = [];
  private readonly server = createServer((req, res) => this.handle(req, res));

  constructor(private readonly target: string) {}

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  /** Passes everything again and forgets the requests seen (between tests). */
  reset(): void {
    this.mode = 'pass';
    this.failPaths = undefined;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.target);
    const auth = req.headers.authorization?.replace(/^Bearer /, '');
    const mode = this.failPaths && !this.failPaths.test(url.pathname) ? 'pass' : this.mode;
    const entry: FaultProxy['requests'][number] = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      auth,
      mode,
      at: performance.now(),
      answered: false,
    };
    this.requests.push(entry);
    res.on('finish', () => (entry.answered = true));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        entry.body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        entry.body = text;
      }
    });
    if (mode === 'hang') return;
    if (mode === 'close') return void req.socket.destroy();
    if (mode === 'garbage') return void res.end('<html>bad gateway</html>');
    if (mode === '503' || mode === '429') {
      res.writeHead(Number(mode), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'outage (fault proxy)' } }));
      return;
    }
    const headers = { ...req.headers };
    if (this.forwardedFor) headers['x-forwarded-for'] = this.forwardedFor;
    const upstream = forward(url, { method: req.method, headers }, (answer) => {
      if (mode === 'lose') {
        answer.resume();
        return void answer.on('end', () => req.socket.destroy());
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
