/** Cross-cutting middleware: CORS, request metrics, JSON 404, and the one error handler. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import createDebug from 'debug';
import type { Logger } from 'pino';
import { isDatabaseUnavailable, sqlState } from '../db/db-errors.js';
import { ApiError } from '../errors.js';
import type { CoordinatorMetrics } from './metrics.js';
import { requestFacts } from './request-log.js';

const debugLog = createDebug('streamrp2p:coordinator:http');

/** Any origin may call the API (the SDK runs on streamers' sites); bearer tokens, no cookies. */
export const cors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS');
  res.set('Access-Control-Max-Age', '600');
  // The SDK reads Retry-After (429, 503) and a report can quote the request id.
  res.set('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
};

/** Counts every response by method, route pattern (not raw path) and status. */
export function requestMetrics(metrics: CoordinatorMetrics): RequestHandler {
  return (req, res, next) => {
    res.on('finish', () => {
      const route =
        req.route?.path === undefined ? 'unmatched' : `${req.baseUrl}${String(req.route.path)}`;
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

export const notFound: RequestHandler = (req) => {
  throw new ApiError('NOT_FOUND', `no route ${req.method} ${req.path}`);
};

/** An error of express, body-parser or zlib: `status` is set for what the client caused. */
interface HttpError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

/** What the error handler needs. */
export interface ErrorHandlerDeps {
  metrics: CoordinatorMetrics;
  /** `Retry-After` of a 503. */
  retryAfterSeconds: number;
}

/**
 * Turns anything thrown into `{ error: { code, message } }`; never leaks a stack. What the client
 * caused (bad percent-encoding, a body that is not what its `Content-Encoding` says, a value the
 * database cannot store) is a 4xx; an unreachable database a 503 with `Retry-After`, counted as
 * a database error; anything else a 500, logged at error level with the request id and counted
 * as a database or an internal error.
 */
export function errorHandler(deps: ErrorHandlerDeps): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const { error, kind } = classify(err);
    const log = req.log as Logger | undefined;
    if (kind === 'database' || kind === 'unavailable') deps.metrics.dbErrors.inc();
    if (kind === 'internal') deps.metrics.internalErrors.inc();
    if (kind === 'unavailable') log?.warn({ ...requestFacts(req), err }, 'database unreachable');
    else if (kind !== 'client') log?.error({ ...requestFacts(req), err }, 'request failed');
    else if (error.code === 'VALIDATION_ERROR' && sqlState(err) !== undefined)
      log?.warn({ ...requestFacts(req), err }, 'the database refused a value');
    if (kind !== 'client') debugLog('%s %s failed: %O', req.method, req.path, err);
    if (res.headersSent) {
      next(err);
      return;
    }
    if (error.code === 'UNAVAILABLE') res.set('Retry-After', String(deps.retryAfterSeconds));
    const reported =
      error.code === 'INTERNAL_ERROR'
        ? new ApiError('INTERNAL_ERROR', `internal error (request id ${String(req.id)})`)
        : error;
    res.status(reported.status).json(reported.toBody());
  };
}

type ErrorKind = 'client' | 'unavailable' | 'database' | 'internal';

function classify(err: unknown): { error: ApiError; kind: ErrorKind } {
  if (err instanceof ApiError) {
    if (err.code === 'INTERNAL_ERROR') return { error: err, kind: 'internal' };
    return { error: err, kind: 'client' };
  }
  // First: the client's own failures carry socket-like codes too (an aborted upload is
  // ECONNABORTED) and must not pass for an unreachable database.
  const client = clientError(err);
  if (client !== undefined) return { error: client, kind: 'client' };
  if (isDatabaseUnavailable(err)) {
    return {
      error: new ApiError('UNAVAILABLE', 'the database is unreachable'),
      kind: 'unavailable',
    };
  }
  const state = sqlState(err);
  if (state !== undefined) {
    // Class 22 (data exception): a value the validators let through but PostgreSQL cannot store.
    if (state.startsWith('22')) {
      return {
        error: new ApiError('VALIDATION_ERROR', 'a value of the request cannot be stored'),
        kind: 'client',
      };
    }
    return { error: new ApiError('INTERNAL_ERROR', 'internal error'), kind: 'database' };
  }
  return { error: new ApiError('INTERNAL_ERROR', 'internal error'), kind: 'internal' };
}

/** The 4xx for an error express, body-parser, raw-body or zlib raised on the client's input. */
function clientError(err: unknown): ApiError | undefined {
  if (err instanceof URIError) {
    return new ApiError('VALIDATION_ERROR', 'the path is not valid percent-encoding');
  }
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as HttpError;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return new ApiError('INVALID_JSON', 'the body is not valid JSON');
    case 'entity.too.large':
      return new ApiError('PAYLOAD_TOO_LARGE', 'the body is too large');
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'the body charset must be utf-8');
    case 'encoding.unsupported':
      return new ApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        'the Content-Encoding must be identity, gzip, deflate or br',
      );
  }
  if (status === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'the body is too large');
  if (status === 415) return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'the body cannot be read');
  // A zlib error (a body that is not what its Content-Encoding says), a body shorter than its
  // Content-Length, an aborted upload.
  const detail = typeof e.type === 'string' ? e.type : String(e.message);
  return new ApiError('VALIDATION_ERROR', `the body could not be read (${detail})`);
}
