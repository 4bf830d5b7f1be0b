import type http from 'node:http';
import { REQUEST_ID_HEADER } from '../headers/request-id.js';
import type { AccessChecker, AccessGrant } from './check-access.js';
import { buildCheckHeaders } from './build-check-headers.js';

export interface DecisionCacheSettings {
  /** How long an allow is reused for the same check; 0 turns the cache off. */
  ttlMs: number;
  /** Most decisions kept; the oldest go first. */
  maxEntries: number;
  /** Told whether each lookup found a decision. */
  onLookup?: (hit: boolean) => void;
}

export const DEFAULT_DECISION_CACHE_ENTRIES = 10_000;

/**
 * Reuses the auth-server's allow for an identical check (same credentials, URL, server, HTTP method and
 * JSON-RPC messages) for `ttlMs`, so a caller repeating a request skips the check call. Only allows are
 * kept; refusals and failures always go to the auth-server. A scopes.yml edit or a token's expiry takes
 * effect at the latest `ttlMs` after the auth-server sees it.
 */
export function cacheAccessGrants(inner: AccessChecker, settings: DecisionCacheSettings, now: () => number = Date.now): AccessChecker {
  if (settings.ttlMs <= 0 || settings.maxEntries <= 0) return inner;
  const grants = new Map<string, { grant: AccessGrant; expiresAtMs: number }>();
  return {
    async check(req: http.IncomingMessage, input) {
      const headers = buildCheckHeaders(req, input);
      const { [REQUEST_ID_HEADER]: _requestId, traceparent: _parent, tracestate: _state, ...decided } = headers;
      const key = JSON.stringify(decided);
      const at = now();
      const cached = grants.get(key);
      const hit = cached !== undefined && cached.expiresAtMs > at;
      settings.onLookup?.(hit);
      if (hit) return cached.grant;
      if (cached) grants.delete(key);
      const grant = await inner.checkHeaders(headers);
      grants.set(key, { grant, expiresAtMs: at + settings.ttlMs });
      if (grants.size > settings.maxEntries) grants.delete(grants.keys().next().value as string);
      return grant;
    },
    checkHeaders: (headers) => inner.checkHeaders(headers),
    authenticate: (headers) => inner.authenticate(headers),
    close() {
      grants.clear();
      inner.close();
    },
  };
}
