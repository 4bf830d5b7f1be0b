import { Router, type Response } from 'express';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf, type Caller } from '../auth/authenticate-caller.js';
import type { EventBus, RegistryEvent } from './event-bus.js';
import { mayReceive } from './may-receive.js';

export const EVENTS_API_PATH = '/api/events';
export const DEFAULT_EVENTS_KEEP_ALIVE_MS = 15_000;
/** A subscriber that lets this much pile up unread is cut off; it reconnects with Last-Event-ID. */
const SLOW_SUBSCRIBER_BYTES = 1024 * 1024;

export interface EventsRouterDependencies {
  events: EventBus;
  verifier: TokenVerifier;
  scopes: ScopesSource;
  /** How often an idle stream carries a comment, so that proxies keep it open. */
  eventsKeepAliveMs?: number;
}

/**
 * GET /api/events: the registry's changes as Server-Sent Events, each only to subscribers who may
 * see the item, judged by the scopes in force when the event is sent. Last-Event-ID resumes from the
 * kept events; when they no longer reach back that far, a `reset` event says to read everything
 * afresh. The stream ends when the subscriber's token expires.
 */
export function eventsRouter({ events, verifier, scopes, eventsKeepAliveMs = DEFAULT_EVENTS_KEEP_ALIVE_MS }: EventsRouterDependencies): Router {
  const router = Router();
  router.use(authenticateCaller(verifier, scopes));
  router.get('/', (request, response) => {
    const connected = callerOf(response);
    let current: Caller = connected;
    /** The subscriber as the scopes now in force see it (scopes.yml may change while the stream is open). */
    const caller = (): Caller => {
      if (current.policy !== scopes.policy) {
        const policy = scopes.policy;
        current = { ...connected, policy, scopes: resolveScopes(policy, connected.identity.groups, connected.identity.tokenScopes) };
      }
      return current;
    };
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    response.flushHeaders();
    response.write(': connected\n\n');

    const send = (event: RegistryEvent): void => {
      if (!mayReceive(caller(), event.audience)) return;
      writeEvent(response, event.id, event.type, { id: event.id, type: event.type, time: event.time, data: event.data });
      if (response.writableLength > SLOW_SUBSCRIBER_BYTES) response.destroy();
    };
    const lastEventId = request.get('last-event-id');
    if (lastEventId !== undefined && lastEventId !== '') {
      const missed = events.after(lastEventId);
      if (missed === undefined) writeEvent(response, undefined, 'reset', { reason: 'events since Last-Event-ID are no longer kept; read the current state again' });
      else missed.forEach(send);
    }
    const unsubscribe = events.subscribe(send, () => response.end());
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), eventsKeepAliveMs);
    const expiresInMs = connected.identity.expiresAt === 0 ? undefined : connected.identity.expiresAt * 1000 - Date.now();
    const expiry = expiresInMs === undefined ? undefined : setTimeout(() => response.end(), Math.max(0, Math.min(expiresInMs, 2 ** 31 - 1)));
    response.on('close', () => {
      unsubscribe();
      clearInterval(keepAlive);
      clearTimeout(expiry);
    });
  });
  return router;
}

function writeEvent(response: Response, id: string | undefined, type: string, data: unknown): void {
  response.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}
