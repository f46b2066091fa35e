/**
 * The structured log of HTTP requests: every request gets an id (the caller's `X-Request-Id`
 * when it is a short token, else a random UUID), echoed in the `X-Request-Id` response header,
 * and a pino child logger carrying it as `req.log`. Requests are not logged one by one (the
 * metrics count them); the error handler logs what went wrong with the id, so a 500 a client
 * reports can be found. Headers are never logged: they carry API keys and session secrets.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from '../config/config.js';

/** A caller's request id is kept only when it looks like one (no log injection). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The coordinator's logger: pino as JSON lines on stdout.
 *
 * @example
 * const logger = createLogger('info');
 * logger.error({ err }, 'indexer stopped');
 */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'streamrp2p-coordinator' } });
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Middleware giving each request its id and `req.log` (a child logger with `reqId`). */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: requestId,
    autoLogging: false,
    quietReqLogger: true,
  }) as unknown as RequestHandler;
}

/** What the log says about a failed request: never its headers or body. */
export function requestFacts(req: { method: string; path: string }): object {
  return { method: req.method, path: req.path };
}
