import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { EventBus } from '../events/event-bus.js';
import { SERVER_EVENT_TYPES } from '../events/publish-changes.js';
import type { HealthService } from './health-service.js';

/**
 * Keeps health in step with the servers: a registered or edited server is checked, discovered and
 * scanned at once, a server enabled again is checked, and a deleted one is forgotten.
 * Returns the unsubscribe function.
 */
export function followServerEvents(events: EventBus, health: HealthService, logger: Logger): () => void {
  return events.subscribe((event) => {
    const path = event.data.path;
    if (typeof path !== 'string') return;
    const server = event.data.server as { enabled?: boolean } | undefined;
    let work: Promise<unknown> | undefined;
    if (event.type === SERVER_EVENT_TYPES.registered || event.type === SERVER_EVENT_TYPES.updated) {
      if (server?.enabled !== false) work = health.check(path, { force: true, fresh: true });
    } else if (event.type === SERVER_EVENT_TYPES.toggled) {
      if (server?.enabled === true) work = health.check(path);
    } else if (event.type === SERVER_EVENT_TYPES.deleted) {
      work = health.forget(path);
    }
    work?.catch((error: unknown) => logger.warn({ err: error, path }, `health follow-up of ${event.type} for ${path} failed`));
  });
}
