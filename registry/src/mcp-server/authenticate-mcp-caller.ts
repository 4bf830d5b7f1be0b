import type { RequestHandler, Request } from 'express';
import { IDENTITY_ATTESTATION_HEADER, IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import { verifyAttestation, type AttestationKey } from '@mcpgw/lib/check/identity-attestation.js';
import { resolveScopes } from '@mcpgw/lib/scopes/compile-policy.js';
import type { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import type { TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { authenticateCaller, type Caller } from '../auth/authenticate-caller.js';
import { REGISTRY_MCP_SERVER_PATH } from '@mcpgw/lib/registry/registry-mcp-server.js';

/**
 * Who calls the registry's MCP server. Behind the gateway the caller's token does not reach the
 * registry (the gateway keeps the ingress token to itself) and only the auth-server's identity
 * headers do, so those headers are believed ONLY with a valid gateway attestation: an HMAC, keyed
 * from the internal token that only the registry, the gateway and the auth-server hold, over the
 * headers, this server's route path and the time (lib/src/check/identity-attestation.ts). A client
 * that calls the registry directly cannot forge one, and one seen by another upstream is bound to
 * that upstream's path. Without an attestation header, the request needs a bearer token that the
 * registry verifies itself, exactly as its REST API does; a bad attestation is refused outright.
 */
export function authenticateMcpCaller(verifier: TokenVerifier, scopes: ScopesSource, key: AttestationKey): RequestHandler {
  const byToken = authenticateCaller(verifier, scopes);
  return (request, response, next) => {
    if (request.get(IDENTITY_ATTESTATION_HEADER) === undefined) return byToken(request, response, next);
    if (!verifyAttestation(key, REGISTRY_MCP_SERVER_PATH, (name) => request.get(name))) {
      throw new TokenError('AUTH_TOKEN_INVALID', `the ${IDENTITY_ATTESTATION_HEADER} header is not a valid, current gateway attestation; call through the gateway or send a bearer token`);
    }
    const identity = identityOf(request);
    const policy = scopes.policy;
    const caller: Caller = { identity, scopes: resolveScopes(policy, identity.groups, identity.tokenScopes), policy };
    response.locals.caller = caller;
    next();
  };
}

/** The identity the auth-server's headers describe (values it had to percent-encode are decoded). */
function identityOf(request: Request): Identity {
  const header = (name: string): string => decode(request.get(name) ?? '');
  const user = header(IDENTITY_HEADERS.user);
  if (user === '') throw new TokenError('AUTH_TOKEN_INVALID', 'the gateway sent no caller identity; the route needs an authenticated caller');
  return {
    user,
    username: header(IDENTITY_HEADERS.username) || user,
    clientId: header(IDENTITY_HEADERS.clientId),
    groups: header(IDENTITY_HEADERS.groups).split(',').map((group) => group.trim()).filter(Boolean),
    tokenScopes: header(IDENTITY_HEADERS.scopes).split(' ').filter(Boolean),
    authMethod: header(IDENTITY_HEADERS.authMethod),
    expiresAt: 0,
  };
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
