import { Router } from 'express';
import type { Counter } from 'prom-client';
import { INTERNAL_TOKEN_HEADER, internalTokenMatches } from '@mcpgw/lib/internal/internal-token.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { USAGE_INGEST_PATH, usageBatchSchema } from '@mcpgw/lib/telemetry/usage-contract.js';
import { jsonBody } from '../api/json-body.js';
import { loggerOf } from '../api/request-context.js';
import { problemsOf, RegistryError } from '../errors/registry-error.js';
import type { UsageRepository } from '../store/usage-repository.js';

export interface UsageIngestDependencies {
  usage: UsageRepository;
  internalToken: string;
  logger: Logger;
  /** Counts records stored (`stored`) and records the senders reported dropping (`dropped`). */
  records: Counter<'outcome'>;
}

/** POST /internal/usage: batches of usage records from gateways and auth-servers, behind the internal token. */
export function usageIngestRouter({ usage, internalToken, logger, records }: UsageIngestDependencies): Router {
  const router = Router();
  router.post(USAGE_INGEST_PATH, (request, _response, next) => {
    if (!internalTokenMatches(internalToken, request.get(INTERNAL_TOKEN_HEADER))) {
      throw new RegistryError('REGISTRY_INTERNAL_TOKEN_INVALID', 401, `send the internal token in the ${INTERNAL_TOKEN_HEADER} header`);
    }
    next();
  }, jsonBody(), async (request, response) => {
    const parsed = usageBatchSchema.safeParse(request.body);
    if (!parsed.success) {
      const problems = problemsOf(parsed.error);
      throw new RegistryError('REGISTRY_INVALID_USAGE', 400, `the usage batch is invalid; nothing of it was stored: ${problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
    }
    await usage.append(parsed.data.records);
    records.labels('stored').inc(parsed.data.records.length);
    if (parsed.data.dropped > 0) {
      records.labels('dropped').inc(parsed.data.dropped);
      loggerOf(response, logger).warn({ dropped: parsed.data.dropped }, 'a sender dropped usage records (its queue was full or the registry unreachable)');
    }
    response.status(204).end();
  });
  return router;
}
