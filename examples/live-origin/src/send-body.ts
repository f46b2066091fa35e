/**
 * Writes a response body the way the emulated CDN would: throttled per connection, optionally
 * stalling or truncating, and reporting each chunk's bytes once the kernel has them, so the
 * byte count is exact even when the connection is cut short.
 */
import type { ServerResponse } from 'node:http';
import { sleep } from './abortable-sleep.js';

/** How to deliver one body. */
export interface BodyDelivery {
  /** Bytes per second; 0 = as fast as the socket takes them. */
  readonly bytesPerSecond: number;
  /** `stall`: send part of the body, then wait for the client to give up. `truncate`: send
   * about half, then destroy the socket. */
  readonly failure?: 'stall' | 'truncate';
  /** Aborted when the origin closes: stops timers and stalls. */
  readonly signal: AbortSignal;
  /** Called with the size of each chunk that reached the socket. */
  readonly onBytes: (bytes: number) => void;
}

/** How much a stalled response sends before going silent: enough to look alive. */
export const STALL_SEND_BYTES = 16 * 1024;

/** Throttled writes are chunked to about this many per second, so the rate looks smooth. */
const CHUNKS_PER_SECOND = 20;
const MIN_CHUNK = 1024;
const MAX_CHUNK = 64 * 1024;

/** Writes one chunk; resolves true once it is flushed, false if the connection went away. */
function writeChunk(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve(false);
      return;
    }
    const onClose = (): void => resolve(false);
    res.once('close', onClose);
    // Waiting for the callback (not just 'drain') is the backpressure: the next chunk is only
    // queued once this one is in the kernel, and only then is it counted as sent.
    res.write(chunk, (err) => {
      res.off('close', onClose);
      resolve(err == null);
    });
  });
}

function untilClosed(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || signal.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      res.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Sends `body` on `res` (headers must already be set, including the full Content-Length) and
 * ends, destroys or stalls the response according to `delivery`.
 */
export async function sendBody(
  res: ServerResponse,
  body: Buffer,
  delivery: BodyDelivery,
): Promise<void> {
  const { bytesPerSecond, failure, signal, onBytes } = delivery;
  let limit = body.length;
  if (failure === 'truncate') limit = Math.floor(body.length / 2);
  if (failure === 'stall') limit = Math.min(STALL_SEND_BYTES, Math.floor(body.length / 2));

  const chunkSize =
    bytesPerSecond > 0
      ? Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(bytesPerSecond / CHUNKS_PER_SECOND)))
      : Math.max(limit, 1);
  const started = performance.now();
  let sent = 0;
  while (sent < limit) {
    const chunk = body.subarray(sent, Math.min(limit, sent + chunkSize));
    if (!(await writeChunk(res, chunk))) return;
    sent += chunk.length;
    onBytes(chunk.length);
    if (bytesPerSecond > 0 && sent < body.length) {
      // Pace against the start time, not per chunk, so timer slack does not accumulate.
      const due = started + (sent / bytesPerSecond) * 1000;
      if (!(await sleep(due - performance.now(), signal))) {
        res.destroy();
        return;
      }
    }
  }
  if (failure === 'truncate') {
    res.destroy();
  } else if (failure === 'stall') {
    await untilClosed(res, signal);
    res.destroy();
  } else {
    res.end();
  }
}
