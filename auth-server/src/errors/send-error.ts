import type { Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { bearerChallenge, isTokenError } from '@mcpgw/lib/tokens/www-authenticate.js';
import { challengeOf } from '../challenges/challenge-context.js';
import { AuthError } from './auth-error.js';

/** Seconds a caller should wait before retrying when an identity provider is unreachable. */
const PROVIDER_RETRY_AFTER_SECONDS = 5;

/**
 * The one place errors become responses: 401 with a challenge for token problems, 503 when an
 * identity provider's keys cannot be fetched, 4xx with the code, 5xx logged.
 */
export function sendError(response: Response, error: unknown, logger: Logger): void {
  if (isTokenError(error)) {
    if (error.status === 503) {
      logger.warn({ code: error.code, err: error.cause }, error.message);
      response.status(503).set('Retry-After', String(PROVIDER_RETRY_AFTER_SECONDS)).json({ error: { code: error.code, message: error.message } });
      return;
    }
    response
      .status(401)
      .set('WWW-Authenticate', bearerChallenge(error, challengeOf(response)))
      .json({ error: { code: error.code, message: error.message } });
    return;
  }
  if (error instanceof AuthError) {
    if (error.status >= 500) logger.error({ err: error }, error.message);
    response.status(error.status).json({ error: { code: error.code, message: error.message } });
    return;
  }
  logger.error({ err: error }, 'unexpected error in the auth-server');
  response.status(500).json({ error: { code: 'AUTH_INTERNAL', message: 'the auth-server failed; see its log' } });
}
