import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A fresh prom-client registry for one service, with the process metrics (CPU, memory, event loop
 * lag, open handles). Each service owns its registry, so that several services in one process (as
 * in tests) never mix their numbers; nothing is registered on prom-client's global registry.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
