import type { Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { bearerChallenge, isTokenError } from '@mcpgw/lib/tokens/www-authenticate.js';
import { AuthError } from './auth-error.js';

/** The one place errors become responses: 401 with a challenge, 4xx with the code, 5xx logged. */
export function sendError(response: Response, error: unknown, logger: Logger): void {
  if (isTokenError(error)) {
    response
      .status(401)
      .set('WWW-Authenticate', bearerChallenge(error))
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
