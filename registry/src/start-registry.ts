import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { listen, type RunningServer } from '@mcpgw/lib/http/listen.js';
import { loadInternalToken } from '@mcpgw/lib/internal/internal-token.js';
import { createLogger, type Logger } from '@mcpgw/lib/logging/logger.js';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';
import { createRegistryTokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { createApp } from './api/create-app.js';
import { createServerService } from './services/server-service.js';
import { openSqliteServerRepository } from './store/sqlite/sqlite-server-repository.js';

export interface RegistryOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Holds registry.db, the signing key and the internal token; created when missing. */
  dataDir: string;
  scopesFile: string;
  logger?: Logger;
  /** Issuer and audience of accepted tokens; default from TOKEN_ISSUER / TOKEN_AUDIENCE. */
  tokenSettings?: TokenSettings;
  /** The secret of GET /internal/routes; default INTERNAL_API_TOKEN, else DATA_DIR/internal-token. */
  internalToken?: string;
}

export type RunningRegistry = RunningServer;

/** Starts the registry: the servers API, the gateways' route feed, health and JWKS. */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const logger = options.logger ?? createLogger('registry');
  mkdirSync(options.dataDir, { recursive: true });
  const scopes = new ScopesSource(options.scopesFile, logger);
  const repository = await openSqliteServerRepository(options.dataDir);
  const release = async (): Promise<void> => {
    scopes.close();
    await repository.close();
  };
  try {
    const verifier = await createRegistryTokenVerifier(options.dataDir, options.tokenSettings ?? tokenSettingsFromEnv());
    const { publicJwk } = await loadOrCreateSigningKey(options.dataDir);
    const internalToken = options.internalToken ?? loadInternalToken(options.dataDir);
    const app = createApp({ servers: createServerService(repository), verifier, scopes, internalToken, publicJwk, logger });
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
