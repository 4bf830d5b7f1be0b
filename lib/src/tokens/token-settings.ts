import { envString } from '../config/env.js';

/** Issuer and audience of registry-issued tokens; both sides must agree on them. */
export interface TokenSettings {
  issuer: string;
  audience: string;
}

export const DEFAULT_TOKEN_ISSUER = 'mcp-gateway-registry';
export const DEFAULT_TOKEN_AUDIENCE = 'mcp-gateway';

export function tokenSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TokenSettings {
  return {
    issuer: envString('TOKEN_ISSUER', DEFAULT_TOKEN_ISSUER, env),
    audience: envString('TOKEN_AUDIENCE', DEFAULT_TOKEN_AUDIENCE, env),
  };
}
