import { Router } from 'express';
import { METRICS_PATH, serveMetrics } from '@mcpgw/lib/telemetry/serve-metrics.js';
import { traceRequests } from '@mcpgw/lib/telemetry/trace-requests.js';
import type { RegistryTelemetry } from './registry-telemetry.js';

/**
 * GET /metrics (Prometheus) and a span per request joining the caller's trace. The edge proxy
 * forwards only the API paths to the registry, so /metrics is reachable inside the deployment only.
 */
export function telemetryRouter(telemetry: RegistryTelemetry): Router {
  const router = Router();
  const answerMetrics = serveMetrics(telemetry.metrics);
  router.use(traceRequests(telemetry.tracing, undefined, isHousekeeping));
  router.get(METRICS_PATH, (request, response) => {
    answerMetrics(request, response);
  });
  return router;
}

/** Scrapes, health probes and the services' internal calls (route polls, usage batches): no span each. */
function isHousekeeping(path: string): boolean {
  return path === METRICS_PATH || path === '/health' || path.startsWith('/internal/');
}
