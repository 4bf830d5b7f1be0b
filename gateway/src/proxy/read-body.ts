import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Reads a request body once, refusing it (GW_BODY_TOO_LARGE) as soon as its Content-Length or its
 * bytes pass `limit`, and (GW_BODY_TIMEOUT) when it has not all arrived within `timeoutMs`: a slow or
 * endless sender does not hold the gateway. A refused body is left unread; the answer closes the connection.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs = 0): Promise<Buffer> {
  const tooLarge = (): GatewayError =>
    new GatewayError('GW_BODY_TOO_LARGE', `the request body is larger than ${limit} bytes; send a smaller body`, {
      data: { limit },
      headers: { connection: 'close' },
    });
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge());

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            cleanup();
            req.pause();
            reject(
              new GatewayError('GW_BODY_TIMEOUT', `the request body did not arrive within ${timeoutMs} ms; send it at once`, {
                headers: { connection: 'close' },
              }),
            );
          }, timeoutMs)
        : undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (cause: Error): void => {
      cleanup();
      reject(new GatewayError('GW_REQUEST_ABORTED', 'the request body could not be read to its end; send it again', { cause }));
    };
    const onAborted = (): void => onError(new Error('the client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
