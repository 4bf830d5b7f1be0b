import { Router, type Request, type Response } from 'express';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, callerOf } from '../auth/authenticate-caller.js';
import { FEDERATION_AUTH_METHOD } from '../auth/federation-token-verifier.js';
import { requireAction } from '../auth/require-action.js';
import { RegistryError } from '../errors/registry-error.js';
import { exportAgents } from '../federation/export-agents.js';
import type { AgentRepository } from '../store/agent-repository.js';
import { DEFAULT_EXPORT_LIMIT, exportServers, MAX_EXPORT_LIMIT } from '../federation/export-servers.js';
import { SIGNATURE_HEADER, signExport } from '../federation/export-signature.js';
import type { PeerRepository } from '../store/peer-repository.js';

export const FEDERATION_API_PATHS = ['/api/federation', '/api/v1/federation'] as const;

export interface FederationRouterDependencies {
  peers: PeerRepository;
  /** The agents this registry exports. */
  agents: AgentRepository;
  /** Accepts the federation static token(s) and the API's own tokens. */
  exportVerifier: TokenVerifier;
  scopes: ScopesSource;
  signingKey: SigningKey;
  /** Whether this registry exports (static token auth on) or imports (peers configured). */
  exportEnabled: boolean;
}

/**
 * The export API, mounted under /api/federation and /api/v1/federation: `health` without
 * authentication; `servers` and `agents` for peers presenting the federation token (public items)
 * or callers of the API with list_service (public items and those restricted to their groups).
 * Every answer carries its detached JWS in X-Federation-Signature, by the key of /.well-known/jwks.json.
 */
export function federationRouter({ peers, agents, exportVerifier, scopes, signingKey, exportEnabled }: FederationRouterDependencies): Router {
  const router = Router();
  const sendSigned = async (response: Response, document: unknown): Promise<void> => {
    const body = Buffer.from(JSON.stringify(document), 'utf8');
    response.set(SIGNATURE_HEADER, await signExport(body, signingKey)).type('application/json').send(body);
  };

  router.get('/health', async (_request, response) => {
    const peerCount = (await peers.list()).length;
    response.json({ status: 'healthy', federation_enabled: exportEnabled || peerCount > 0, peer_count: peerCount });
  });

  router.use(authenticateCaller(exportVerifier, scopes));
  router.get('/servers', async (request, response) => {
    const groups = exporteeGroups(response);
    const { since, limit } = parsePaging(request);
    await sendSigned(response, await exportServers(peers, groups, since, limit));
  });
  router.get('/agents', async (request, response) => {
    const groups = exporteeGroups(response);
    const { since, limit } = parsePaging(request);
    await sendSigned(response, await exportAgents(agents, groups, since, limit));
  });
  return router;
}

/** The groups an export is filtered for: none for the federation token, the token's groups otherwise. */
function exporteeGroups(response: Response): readonly string[] {
  const caller = callerOf(response);
  if (caller.identity.authMethod === FEDERATION_AUTH_METHOD) return [];
  requireAction(caller, 'list_service');
  return caller.identity.groups;
}

function parsePaging(request: Request): { since: number; limit: number } {
  const number = (name: string, fallback: number, max: number): number => {
    const raw = request.query[name];
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value > max || (name === 'limit' && value < 1)) {
      throw new RegistryError('REGISTRY_INVALID_QUERY', 400, `${name} must be a whole number${name === 'limit' ? ` from 1 to ${max}` : ' (the next_since of your last pull, or 0)'}`);
    }
    return value;
  };
  return { since: number('since', 0, Number.MAX_SAFE_INTEGER), limit: number('limit', DEFAULT_EXPORT_LIMIT, MAX_EXPORT_LIMIT) };
}
