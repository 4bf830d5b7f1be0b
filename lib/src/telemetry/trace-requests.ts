import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_PATH } from './span-attributes.js';
import type { Tracing } from './tracing.js';

/**
 * Connect/Express middleware giving each request a server span that joins the caller's trace
 * (`traceparent`) and ends when the answer is written or the connection drops. `describe` adds
 * attributes read from the request (never credentials); `untraced` paths get no span. Without tracing
 * it is a pass-through.
 */
export function traceRequests(
  tracing: Tracing | undefined,
  describe: (req: IncomingMessage) => Attributes = () => ({}),
  untraced: (path: string) => boolean = () => false,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  if (tracing === undefined) return (_req, _res, next) => next();
  return (req, res, next) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (untraced(path)) return next();
    const span = tracing.tracer.startSpan(`${method} ${path}`, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path, ...describe(req) },
    }, tracing.extract(req.headers));
    res.once('close', () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    next();
  };
}
