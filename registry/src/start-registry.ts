import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import { createIdentityVerifier } from '@mcpgw/lib/providers/create-identity-verifier.js';
import { identitySettingsFromEnv, type IdentitySettings } from '@mcpgw/lib/providers/identity-settings.js';
import { createApp } from './api/create-app.js';
import { createCallerVerifier } from './auth/create-caller-verifier.js';
import { registryApiKeysFromEnv, type RegistryApiKeys } from './auth/registry-api-keys.js';
import { checkMcpRegistrySettings, mcpRegistrySettingsFromEnv, type McpRegistrySettings } from './services/mcp-registry/mcp-registry-settings.js';
import { createScopesService } from './services/scopes/scopes-service.js';
import { createServerService } from './services/server-service.js';
import { openRegistryStore } from './store/open-registry-store.js';
import { loginSettingsFromEnv, type LoginSettings } from './login/login-settings.js';
import { createOidcLoginClients } from './login/oidc-login-clients.js';
import { createSessionManager } from './login/session-manager.js';
import { loadCredentialsKey } from './credentials/credentials-key.js';
import { createUpstreamCredentials } from './credentials/upstream-credentials.js';
import { tokenVendingSettingsFromEnv, type TokenVendingSettings } from './tokens/token-vending-settings.js';
import type { PostgresOptions } from './store/postgres/open-postgres-pool.js';

export interface RegistryOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Holds registry.db, the signing key and the internal token; created when missing. */
  dataDir: string;
  /** PostgreSQL instead of DATA_DIR/registry.db (DATABASE_URL). */
  database?: PostgresOptions;
  scopesFile: string;
  logger?: Logger;
  /** Issuer and audience of accepted tokens; default from TOKEN_ISSUER / TOKEN_AUDIENCE. */
  tokenSettings?: TokenSettings;
  /** The secret of GET /internal/routes; default INTERNAL_API_TOKEN, else DATA_DIR/internal-token. */
  internalToken?: string;
  /** Identity providers whose tokens the API accepts too; default from the environment. */
  identity?: IdentitySettings;
  /** Static API keys for machines; default from REGISTRY_API_TOKEN / REGISTRY_API_KEYS. */
  apiKeys?: RegistryApiKeys;
  /** Namespace of MCP Registry names and the gateway's public URL; default from MCP_REGISTRY_NAMESPACE / GATEWAY_PUBLIC_URL. */
  mcpRegistry?: McpRegistrySettings;
  /** Web login and sessions; default from SESSION_* / ADMIN_* / TRUSTED_PROXIES / REGISTRY_PUBLIC_URL. */
  login?: LoginSettings;
  /** Seals upstream credentials; default CREDENTIALS_ENCRYPTION_KEY, else DATA_DIR/credentials-key. */
  credentialsKey?: Buffer;
  /** POST /api/tokens lifetimes and rate; default from TOKEN_VENDING_*. */
  tokenVending?: TokenVendingSettings;
}

export type RunningRegistry = RunningServer;

/** Starts the registry: the servers and scopes APIs, the gateways' route feed, health and JWKS. */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const logger = options.logger ?? createLogger('registry');
  mkdirSync(options.dataDir, { recursive: true });
  const scopes = new ScopesSource(options.scopesFile, logger);
  const store = await openRegistryStore({ dataDir: options.dataDir, ...(options.database ? { database: options.database } : {}) }).catch((error: unknown) => {
    scopes.close();
    throw error;
  });
  const release = async (): Promise<void> => {
    scopes.close();
    await store.close();
  };
  try {
    const identity = options.identity ?? identitySettingsFromEnv();
    const verifier = createCallerVerifier(
      await createIdentityVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv(), identity),
      options.apiKeys ?? registryApiKeysFromEnv(),
    );
    const signingKey = await loadOrCreateSigningKey(options.dataDir);
    const tokenSettings = options.tokenSettings ?? tokenSettingsFromEnv();
    const loginSettings = options.login ?? loginSettingsFromEnv(options.dataDir);
    const internalToken = options.internalToken ?? loadInternalToken(options.dataDir);
    const mcpRegistrySettings = options.mcpRegistry ? checkMcpRegistrySettings(options.mcpRegistry) : mcpRegistrySettingsFromEnv();
    const app = createApp({
      servers: createServerService(store.servers, createUpstreamCredentials(options.credentialsKey ?? loadCredentialsKey(options.dataDir)), (path) =>
        logger.error({ path }, 'the upstream credential of this server does not open with the credentials key; routed without it; set it again'),
      ),
      scopesEditor: createScopesService(store.scopesHistory, scopes),
      verifier,
      scopes,
      internalToken,
      publicJwk: signingKey.publicJwk,
      logger,
      mcpRegistrySettings,
      sessions: createSessionManager(store.sessions, loginSettings),
      loginClients: createOidcLoginClients(identity.providers),
      loginSettings,
      signingKey,
      tokenSettings,
      tokenVending: options.tokenVending ?? tokenVendingSettingsFromEnv(),
    });
    scopes.watch();
    const running = await listen(createServer(app), options.port, options.host);
    return {
      ...running,
      close: async () => {
        await running.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
