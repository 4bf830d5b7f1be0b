import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';

const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives each request an id (the caller's X-Request-Id when sane) and a child logger carrying it. */
export function requestContext(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const presented = request.get(REQUEST_ID_HEADER);
    const requestId = presented !== undefined && SAFE_REQUEST_ID.test(presented) ? presented : randomUUID();
    const log = logger.child({ requestId });
    response.locals.logger = log;
    response.set(REQUEST_ID_HEADER, requestId);
    response.on('finish', () => log.debug({ method: request.method, path: request.path, status: response.statusCode }, 'request done'));
    next();
  };
}

/** The request's logger, or the fallback before requestContext ran. */
export function loggerOf(response: Response, fallback: Logger): Logger {
  return (response.locals.logger as Logger | undefined) ?? fallback;
}
