import type { ServerResponse } from 'node:http';
import { jsonRpcError, type JsonRpcId } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { GatewayError } from './gateway-error.js';

/** Present when the request was a JSON-RPC POST: errors then answer as JSON-RPC error objects. */
export interface RpcContext {
  id: JsonRpcId;
}

/**
 * The one place gateway errors become responses. A JSON-RPC POST gets
 * `{ jsonrpc, id, error: { code: <number>, message, data: { code: 'GW_…', … } } }`, anything else
 * `{ error: { code: 'GW_…', message, … } }`; both with the error's HTTP status and headers.
 */
export function sendError(res: ServerResponse, error: unknown, rpc: RpcContext | undefined, logger: Logger): void {
  const known = error instanceof GatewayError
    ? error
    : new GatewayError('GW_INTERNAL', 'the gateway failed to handle the request; see its log', { cause: error });
  if (res.destroyed || res.writableEnded) {
    logger.debug({ code: known.code }, 'the client went away before the answer');
    return;
  }
  if (known.status >= 500) {
    logger.error({ code: known.code, status: known.status, ...(known.cause === undefined ? {} : { err: known.cause }) }, known.message);
  }
  else logger.info({ code: known.code, status: known.status }, known.message);
  if (res.headersSent) {
    res.destroy(known);
    return;
  }
  const fields = { ...known.data, code: known.code };
  const body = rpc
    ? jsonRpcError(rpc.id, known.rpcCode, known.message, fields)
    : { error: { ...fields, message: known.message } };
  const text = JSON.stringify(body);
  res.writeHead(known.status, {
    ...known.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}
