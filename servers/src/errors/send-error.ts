import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { jsonRpcError } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import { ServerError } from './server-error.js';

/** Answers an error as a JSON-RPC error object with the HTTP status that fits. */
export function sendError(res: Response, error: ServerError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(error.status).json(jsonRpcError(null, error.rpcCode, error.message, { code: error.code }));
}

/** The Express error handler: body-parser failures and anything thrown become ServerErrors. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const serverError = toServerError(error);
    if (serverError.status >= 500) logger.error({ err: error }, serverError.message);
    else logger.info({ code: serverError.code }, serverError.message);
    sendError(res, serverError);
  };
}

function toServerError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new ServerError('SRV_BAD_JSON', 'Parse error: the body is not valid JSON', { cause: error });
  }
  if (type === 'entity.too.large') {
    return new ServerError('SRV_BODY_TOO_LARGE', 'the request body is too large', { cause: error });
  }
  return new ServerError('SRV_INTERNAL', 'the server failed to handle the request; see its log', { cause: error });
}
