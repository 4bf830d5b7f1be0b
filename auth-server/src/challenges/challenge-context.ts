import type { RequestHandler, Response } from 'express';
import { CHECK_REQUEST_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import { tryCanonicalServerPath } from '@mcpgw/lib/paths/canonical-path.js';
import { challengeResourcePath, resourceMetadataUrl } from '@mcpgw/lib/tokens/resource-metadata.js';
import type { ChallengeOptions } from '@mcpgw/lib/tokens/www-authenticate.js';

export interface ChallengeSettings {
  /** The gateway's public origin (GATEWAY_PUBLIC_URL): challenges point at its metadata, never at a Host a client sent. */
  gatewayPublicUrl: string;
  /** Scopes a client should request (the providers' scopes), space-separated; empty for none. */
  scope: string;
}

/**
 * Works out, for each check, what a 401 or 403 challenge says: the protected resource metadata
 * URL of the requested URL (from X-Original-URL's path under X-Server-Path) and the scopes.
 */
export function challengeContext(settings: ChallengeSettings): RequestHandler {
  return (request, response, next) => {
    const serverPath = tryCanonicalServerPath(request.get(CHECK_REQUEST_HEADERS.serverPath) ?? '');
    const resourcePath = serverPath === undefined ? '/' : challengeResourcePath(request.get(CHECK_REQUEST_HEADERS.originalUrl), serverPath);
    const challenge: ChallengeOptions = {
      resourceMetadata: resourceMetadataUrl(settings.gatewayPublicUrl, resourcePath),
      ...(settings.scope === '' ? {} : { scope: settings.scope }),
    };
    response.locals.challenge = challenge;
    next();
  };
}

/** The challenge options challengeContext worked out for this response (none before it ran). */
export function challengeOf(response: Response): ChallengeOptions {
  return (response.locals.challenge as ChallengeOptions | undefined) ?? {};
}
