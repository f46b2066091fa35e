/**
 * Small HTTP helpers shared by the routes: CORS, JSON answers, bounded JSON bodies, client ids.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveOriginError } from './live-origin-error.js';
import { ANONYMOUS_CLIENT, INDEXER_CLIENT } from './stats.js';

/** Header that identifies a client for accounting. */
export const CLIENT_HEADER = 'x-client-id';

/** Control bodies are a few fields; anything bigger is a mistake or an attack. */
const MAX_JSON_BODY = 64 * 1024;
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * CORS for everything: the player, the SDK and test pages run on other origins. Pages may also
 * read the full resource timing of our responses (queueing, first byte), as CDNs allow.
 */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range');
  res.setHeader('Timing-Allow-Origin', '*');
}

/** Answers a CORS preflight. */
export function answerPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Range, X-Client-Id, Content-Type',
    'Access-Control-Max-Age': '600',
    'Content-Length': '0',
  });
  res.end();
}

/** Sends `value` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** Sends an error as `{ error: { code, message } }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  sendJson(res, status, { error: { code, message } });
}

/** Reads and parses a JSON body; an empty body reads as `{}`. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) {
      throw new LiveOriginError('BAD_REQUEST', `body larger than ${MAX_JSON_BODY} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new LiveOriginError('BAD_REQUEST', 'body is not valid JSON');
  }
}

/** The client a request is accounted to, and whether it came from the query string. */
export interface ClientIdentity {
  readonly id: string;
  /** Set when the id came from `?client=`: playlists then propagate it into their URIs. */
  readonly fromQuery: string | undefined;
}

/**
 * `X-Client-Id` header, else `?client=`, else {@link INDEXER_CLIENT} for the coordinator's
 * segment indexer (its User-Agent), else {@link ANONYMOUS_CLIENT}. Returns undefined for
 * an id that is not 1-128 printable ASCII characters.
 */
export function identifyClient(req: IncomingMessage, url: URL): ClientIdentity | undefined {
  const query = url.searchParams.get('client') ?? undefined;
  const header = req.headers[CLIENT_HEADER];
  const headerId = Array.isArray(header) ? header[0] : header;
  if (query !== undefined && !CLIENT_ID.test(query)) return undefined;
  if (headerId !== undefined && headerId !== '') {
    return CLIENT_ID.test(headerId) ? { id: headerId, fromQuery: query } : undefined;
  }
  if (query === undefined && /^StreamrP2P-Indexer\//.test(req.headers['user-agent'] ?? '')) {
    return { id: INDEXER_CLIENT, fromQuery: undefined };
  }
  return { id: query ?? ANONYMOUS_CLIENT, fromQuery: query };
}
