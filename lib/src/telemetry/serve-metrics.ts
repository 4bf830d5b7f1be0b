import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { listen, type RunningServer } from '../http/listen.js';

export const METRICS_PATH = '/metrics';

/** Answers GET /metrics with the registry in the Prometheus text format; returns false for anything else. */
export function serveMetrics(registry: Registry): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('collecting metrics failed\n');
      },
    );
    return true;
  };
}

/**
 * A listener of its own for GET /metrics, so that the metrics are reachable only where the operator
 * exposes that port (Prometheus inside the deployment), never through the service's public routes.
 */
export function startMetricsServer(registry: Registry, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const answer = serveMetrics(registry);
  const server = createServer((req, res) => {
    if (answer(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: { code: 'METRICS_NOT_FOUND', message: `this port serves only GET ${METRICS_PATH}` } }));
  });
  return listen(server, port, host, 1000);
}
