import { requestRealmToken } from '@mcpgw/lib/keycloak/request-realm-token.js';
import { asCliError } from './with-keycloak-admin.js';
import { loadAgentFile, saveAgentFile } from './agent-credentials.js';

/** A stored token is used again only while it has at least this long to live. */
export const AGENT_TOKEN_MARGIN_SECONDS = 60;
const TOKEN_TIMEOUT_MS = 10_000;

/**
 * The agent's access token: the stored one while it has time left, else a new one by client
 * credentials from the realm the account was created in, stored for next time.
 */
export async function agentToken(env: NodeJS.ProcessEnv, agentId: string, options: { refresh?: boolean } = {}): Promise<string> {
  const agent = loadAgentFile(env, agentId);
  const now = Math.floor(Date.now() / 1000);
  const stored = agent.token;
  if (!options.refresh && stored?.expires_at !== undefined && stored.expires_at - AGENT_TOKEN_MARGIN_SECONDS > now) return stored.access_token;
  let token;
  try {
    token = await requestRealmToken(agent.keycloak_url, agent.realm, { grant: 'client_credentials', clientId: agent.client_id, clientSecret: agent.client_secret }, TOKEN_TIMEOUT_MS);
  } catch (error) {
    throw asCliError(error);
  }
  await saveAgentFile(env, { ...agent, token: { access_token: token.accessToken, ...(token.expiresAt === undefined ? {} : { expires_at: token.expiresAt }) } });
  return token.accessToken;
}
