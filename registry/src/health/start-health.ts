import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { EventBus } from '../events/event-bus.js';
import { scanSettingsFromEnv, type ScanSettings } from '../scan/scan-settings.js';
import type { RegistryStore } from '../store/registry-store.js';
import { followServerEvents } from './follow-server-events.js';
import { scheduleHealthChecks } from './health-scheduler.js';
import { createHealthService, type HealthObservers, type HealthService, type HealthServiceDependencies } from './health-service.js';
import { checkHealthSettings, healthSettingsFromEnv, type HealthSettings } from './health-settings.js';

export interface HealthOptions {
  /** Default from HEALTH_CHECK_INTERVAL_SECONDS, HEALTH_CHECK_TIMEOUT_SECONDS, HEALTH_FAILURES_TO_WITHDRAW, HEALTH_SUCCESSES_TO_RESTORE. */
  settings?: HealthSettings;
  /** Default from BLOCK_UNSAFE_SERVERS and SECURITY_SCAN_*. */
  scan?: ScanSettings;
  observers?: HealthObservers;
  /** Headers for a server's upstream, such as its stored credential; none by default. */
  upstreamHeaders?: HealthServiceDependencies['upstreamHeaders'];
}

export interface RunningHealth {
  service: HealthService;
  /** Stops the rounds and following the servers, and cancels checks in progress. */
  stop(): Promise<void>;
}

/** The health service, checking every enabled server each interval and following server changes on the bus. */
export function startHealth(store: RegistryStore, events: EventBus, logger: Logger, options: HealthOptions = {}): RunningHealth {
  const settings = options.settings ? checkHealthSettings(options.settings) : healthSettingsFromEnv();
  const log = logger.child({ component: 'health' });
  const service = createHealthService({
    servers: store.servers,
    health: store.health,
    events,
    settings,
    scan: options.scan ?? scanSettingsFromEnv(),
    logger: log,
    ...options.observers,
    ...(options.upstreamHeaders ? { upstreamHeaders: options.upstreamHeaders } : {}),
  });
  const unfollow = followServerEvents(events, service, log);
  const scheduler = scheduleHealthChecks(() => service.checkAll(), settings.intervalMs, (error) => log.error({ err: error }, 'a round of health checks failed'));
  return {
    service,
    stop: async () => {
      unfollow();
      await scheduler.stop();
      await service.close();
    },
  };
}
