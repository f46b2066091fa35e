/** Cross-cutting middleware: CORS, request metrics, JSON 404, and the one error handler. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import createDebug from 'debug';
import { ApiError } from '../errors.js';
import type { CoordinatorMetrics } from './metrics.js';

const log = createDebug('streamrp2p:coordinator:http');

/** Any origin may call the API (the SDK runs on streamers' sites); bearer tokens, no cookies. */
export const cors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.set('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE, OPTIONS');
  res.set('Access-Control-Max-Age', '600');
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

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Turns anything thrown into `{ error: { code, message } }`; never leaks a stack. */
export function errorHandler(metrics: CoordinatorMetrics): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const apiError = toApiError(err);
    if (apiError.code === 'INTERNAL_ERROR') {
      metrics.dbErrors.inc();
      log('%s %s failed: %O', req.method, req.path, err);
    }
    res.status(apiError.status).json(apiError.toBody());
  };
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const parserError = err as BodyParserError;
  if (parserError.type === 'entity.parse.failed')
    return new ApiError('INVALID_JSON', 'the body is not valid JSON');
  if (parserError.type === 'entity.too.large')
    return new ApiError('PAYLOAD_TOO_LARGE', 'the body is too large');
  if (
    parserError.type !== undefined &&
    parserError.status !== undefined &&
    parserError.status < 500
  ) {
    return new ApiError('VALIDATION_ERROR', `the body could not be read (${parserError.type})`);
  }
  return new ApiError('INTERNAL_ERROR', 'internal error');
}
