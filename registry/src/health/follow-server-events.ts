import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { EventBus } from '../events/event-bus.js';
import { SERVER_EVENT_TYPES } from '../events/publish-changes.js';
import type { HealthService } from './health-service.js';

/** The fields that decide where and how the registry reaches a server. */
const CONNECTION_FIELDS: ReadonlySet<string> = new Set(['proxy_pass_url', 'mcp_endpoint', 'sse_endpoint', 'supported_transports', 'enabled']);

/**
 * Keeps health in step with the servers: a registered server, or one whose connection fields were
 * edited, is checked afresh, discovered and scanned at once; a server enabled again is checked; a
 * deleted one is forgotten. Other edits (a description, tags) leave its health alone, so that a
 * peer registry syncing a copy does not reset its health streaks. Returns the unsubscribe function.
 */
export function followServerEvents(events: EventBus, health: HealthService, logger: Logger): () => void {
  return events.subscribe((event) => {
    const path = event.data.path;
    if (typeof path !== 'string') return;
    const server = event.data.server as { enabled?: boolean } | undefined;
    let work: Promise<unknown> | undefined;
    const changed = Array.isArray(event.data.changed) ? (event.data.changed as string[]) : [];
    const reconnect = event.type === SERVER_EVENT_TYPES.registered || (event.type === SERVER_EVENT_TYPES.updated && changed.some((field) => CONNECTION_FIELDS.has(field)));
    if (reconnect) {
      if (server?.enabled !== false) work = health.check(path, { force: true, fresh: true });
    } else if (event.type === SERVER_EVENT_TYPES.toggled) {
      if (server?.enabled === true) work = health.check(path);
    } else if (event.type === SERVER_EVENT_TYPES.deleted) {
      work = health.forget(path);
    }
    work?.catch((error: unknown) => logger.warn({ err: error, path }, `health follow-up of ${event.type} for ${path} failed`));
  });
}
