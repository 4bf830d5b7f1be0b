import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { bearerChallenge, isTokenError } from '@mcpgw/lib/tokens/www-authenticate.js';
import { RegistryError, type RegistryProblem } from './registry-error.js';

/** The error an Express body parser raises (http-errors), recognised by its `type`. */
interface BodyParserError {
  type: string;
  status: number;
}

const PROBLEM_SHAPE = 'problem';

/**
 * The one place errors become responses, `{ error: { code, message } }`, or problem details on
 * responses marked by answerErrorsAsProblems: 401 with a bearer challenge for token problems, the
 * registry's own codes, and 500 for anything unexpected. 5xx are logged as errors, 4xx as info.
 */
export function sendError(response: Response, error: unknown, logger: Logger): void {
  if (isTokenError(error)) {
    if (error.status === 503) {
      logger.warn({ code: error.code, err: error.cause }, error.message);
      writeError(response, 503, error.code, error.message);
      return;
    }
    logger.info({ code: error.code }, 'request refused: bad or missing token');
    response.set('WWW-Authenticate', bearerChallenge(error));
    writeError(response, 401, error.code, error.message);
    return;
  }
  const known = error instanceof RegistryError ? error : (fromBodyParser(error) ?? fromStorage(error));
  if (known) {
    if (known.status >= 500) logger.error({ err: known }, known.message);
    else logger.info({ code: known.code, status: known.status }, known.message);
    writeError(response, known.status, known.code, known.message, known.problems);
    return;
  }
  logger.error({ err: error }, 'unexpected error in the registry');
  writeError(response, 500, 'REGISTRY_INTERNAL', 'the registry failed; see its log');
}

/**
 * Errors on this response are answered as the MCP Registry API does: RFC 9457 problem details
 * (`title`, `status`, `detail`), plus `error` (the OpenAPI document's shape) and the stable `code`.
 */
export function answerErrorsAsProblems(response: Response): void {
  response.locals.errorShape = PROBLEM_SHAPE;
}

function writeError(response: Response, status: number, code: string, message: string, problems?: RegistryProblem[]): void {
  if (response.locals.errorShape === PROBLEM_SHAPE) {
    const errors = problems?.map((problem) => ({ location: problem.path, message: problem.message }));
    response
      .status(status)
      .type('application/problem+json')
      .json({ title: STATUS_CODES[status] ?? 'Error', status, detail: message, error: message, code, ...(errors ? { errors } : {}) });
    return;
  }
  const body: Record<string, unknown> = { code, message };
  if (problems) body.problems = problems;
  response.status(status).json({ error: body });
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

/** Codes of a full or read-only disk: Node's errno, SQLite's result codes, PostgreSQL's SQLSTATE class 53. */
const STORAGE_FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'SQLITE_FULL', 'SQLITE_READONLY', '53100', '53200']);

/** A write the storage refused for lack of space: 507, and nothing was changed (each write is atomic). */
function fromStorage(error: unknown): RegistryError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !STORAGE_FULL_CODES.has(code)) return undefined;
  return new RegistryError('REGISTRY_STORAGE_FULL', 507, `the registry could not write (${code}): its disk or database is full or read-only; nothing was changed; free space and retry`, { cause: error });
}
