import { STATUS_CODES, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { jsonRpcError, type JsonRpcId } from '@mcpgw/lib/jsonrpc/jsonrpc-errors.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { GatewayError } from './gateway-error.js';

/** Present when the request was a JSON-RPC POST: errors then answer as JSON-RPC error objects. */
export interface RpcContext {
  id: JsonRpcId;
}

/** A connection taken over by an upgrade request, answered with a raw HTTP response and closed. */
export interface UpgradeSocket {
  socket: Duplex;
  /** Headers every answer on this socket carries, such as the request id. */
  headers: Record<string, string>;
}

/**
 * The one place gateway errors become responses. A JSON-RPC POST gets
 * `{ jsonrpc, id, error: { code: <number>, message, data: { code: 'GW_…', … } } }`, anything else
 * (an upgrade request included) `{ error: { code: 'GW_…', message, … } }`; both with the error's
 * HTTP status and headers.
 */
export function sendError(target: ServerResponse | UpgradeSocket, error: unknown, rpc: RpcContext | undefined, logger: Logger): void {
  const known = error instanceof GatewayError
    ? error
    : new GatewayError('GW_INTERNAL', 'the gateway failed to handle the request; see its log', { cause: error });
  const response = target instanceof ServerResponse ? target : undefined;
  const gone = response ? response.destroyed || response.writableEnded : !(target as UpgradeSocket).socket.writable;
  if (gone) {
    logger.debug({ code: known.code }, 'the client went away before the answer');
    return;
  }
  if (known.status >= 500) {
    logger.error({ code: known.code, status: known.status, ...(known.cause === undefined ? {} : { err: known.cause }) }, known.message);
  }
  else logger.info({ code: known.code, status: known.status }, known.message);
  if (response?.headersSent) {
    response.destroy(known);
    return;
  }
  const fields = { ...known.data, code: known.code };
  const body = rpc
    ? jsonRpcError(rpc.id, known.rpcCode, known.message, fields)
    : { error: { ...fields, message: known.message } };
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    ...known.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  };
  if (response) {
    response.writeHead(known.status, headers);
    response.end(text);
    return;
  }
  const { socket, headers: socketHeaders } = target as UpgradeSocket;
  const lines = Object.entries({ ...socketHeaders, ...headers, connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? ''}\r\n${lines.join('')}\r\n${text}`);
}
