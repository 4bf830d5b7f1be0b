import { Router } from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AttestationKey } from '@mcpgw/lib/check/identity-attestation.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { callerOf } from '../auth/authenticate-caller.js';
import { jsonBody } from '../api/json-body.js';
import { authenticateMcpCaller } from './authenticate-mcp-caller.js';
import { REGISTRY_MCP_ENDPOINT } from '@mcpgw/lib/registry/registry-mcp-server.js';
import { createRegistryMcpServer, type RegistryMcpDependencies } from './registry-mcp-tools.js';

export interface RegistryMcpRouterDependencies extends RegistryMcpDependencies {
  verifier: TokenVerifier;
  scopes: ScopesSource;
  attestation: AttestationKey;
}

const METHOD_NOT_ALLOWED = { jsonrpc: '2.0', error: { code: -32000, message: 'this server is stateless: POST JSON-RPC messages; there is no stream to GET or session to DELETE' }, id: null };

/**
 * POST /mcpgw/mcp: the registry's MCP server over Streamable HTTP, stateless (a server per request,
 * JSON answers), for the caller that authenticateMcpCaller established.
 */
export function registryMcpRouter(dependencies: RegistryMcpRouterDependencies): Router {
  const router = Router();
  router.post(REGISTRY_MCP_ENDPOINT, authenticateMcpCaller(dependencies.verifier, dependencies.scopes, dependencies.attestation), jsonBody(), async (request, response) => {
    const server = createRegistryMcpServer(callerOf(response), dependencies);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    response.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, request.body);
  });
  router.all(REGISTRY_MCP_ENDPOINT, (_request, response) => {
    response.status(405).set('Allow', 'POST').json(METHOD_NOT_ALLOWED);
  });
  return router;
}
