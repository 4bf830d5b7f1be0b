import type { Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { bearerChallenge, isTokenError } from '@mcpgw/lib/tokens/www-authenticate.js';
import { RegistryError } from './registry-error.js';

/** The error an Express body parser raises (http-errors), recognised by its `type`. */
interface BodyParserError {
  type: string;
  status: number;
}

/**
 * The one place errors become responses, always `{ error: { code, message } }`: 401 with a bearer
 * challenge for token problems, the registry's own codes, and 500 for anything unexpected.
 * 5xx are logged as errors, 4xx as info.
 */
export function sendError(response: Response, error: unknown, logger: Logger): void {
  if (isTokenError(error)) {
    logger.info({ code: error.code }, 'request refused: bad or missing token');
    response.status(401).set('WWW-Authenticate', bearerChallenge(error)).json({ error: { code: error.code, message: error.message } });
    return;
  }
  const known = error instanceof RegistryError ? error : fromBodyParser(error);
  if (known) {
    if (known.status >= 500) logger.error({ err: known }, known.message);
    else logger.info({ code: known.code, status: known.status }, known.message);
    const body: Record<string, unknown> = { code: known.code, message: known.message };
    if (known.problems) body.problems = known.problems;
    response.status(known.status).json({ error: body });
    return;
  }
  logger.error({ err: error }, 'unexpected error in the registry');
  response.status(500).json({ error: { code: 'REGISTRY_INTERNAL', message: 'the registry failed; see its log' } });
}

function fromBodyParser(error: unknown): RegistryError | undefined {
  if (typeof error !== 'object' || error === null || typeof (error as BodyParserError).type !== 'string') return undefined;
  const { type } = error as BodyParserError;
  if (type === 'entity.parse.failed') {
    return new RegistryError('REGISTRY_INVALID_JSON', 400, 'the body is not valid JSON; send a JSON object', { cause: error });
  }
  if (type === 'entity.too.large') {
    return new RegistryError('REGISTRY_BODY_TOO_LARGE', 413, 'the body is larger than 1mb; send a smaller entry', { cause: error });
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported' || type === 'request.aborted' || type === 'request.size.invalid') {
    return new RegistryError('REGISTRY_INVALID_JSON', 400, 'the body could not be read; send UTF-8 JSON', { cause: error });
  }
  return undefined;
}
