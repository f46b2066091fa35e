/**
 * A raw node:http client for the integration tests: unlike fetch it reports a truncated body
 * (bytes received, whether the response completed) instead of only throwing.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** True when the body ended normally; false when the connection closed early or timed out. */
  complete: boolean;
  /** True when the client gave up after `timeoutMs`. */
  timedOut: boolean;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up (destroy the request) after this long. @default 10_000 */
  timeoutMs?: number;
}

export function httpRequest(url: string, init: RawRequest = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let timedOut = false;
    // A fresh connection per request (agent: false), so a destroyed socket cannot leak into
    // the next test's request.
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy();
    }, init.timeoutMs ?? 10_000);
    req.on('response', (res) => {
      let complete = false;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        complete = true;
      });
      res.on('error', () => undefined); // "aborted": reported through `complete`
      res.on('close', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          complete: complete && !res.errored,
          timedOut,
        });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      // After a response has started, 'close' on the response reports the outcome instead.
      if (timedOut) {
        resolve({ status: 0, headers: {}, body: Buffer.alloc(0), complete: false, timedOut });
      } else reject(err);
    });
    req.end(init.body);
  });
}

/** GET that must succeed with `status`; returns the body text. */
export async function getText(url: string, headers?: Record<string, string>): Promise<string> {
  const res = await httpRequest(url, headers === undefined ? {} : { headers });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return res.body.toString('utf8');
}
