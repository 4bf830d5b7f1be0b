import type { RegistryStore } from '../registry-store.js';
import type { RepositoryOptions } from '../server-repository.js';
import { openPostgresPool, type PostgresOptions } from './open-postgres-pool.js';
import { postgresHealthRepository } from './postgres-health-repository.js';
import { postgresAgentRepository } from './postgres-agent-repository.js';
import { postgresRatingRepository } from './postgres-rating-repository.js';
import { postgresPeerRepository } from './postgres-peer-repository.js';
import { postgresScopesHistory } from './postgres-scopes-history.js';
import { postgresServerRepository } from './postgres-server-repository.js';
import { postgresVirtualServers } from './postgres-virtual-servers.js';
import { postgresSessionRepository } from './postgres-session-repository.js';
import { postgresUsageRepository } from './postgres-usage-repository.js';
import { postgresAuditRepository } from './postgres-audit-repository.js';

/** The registry's store on PostgreSQL (DATABASE_URL): one pool shared by every repository. */
export async function openPostgresStore(options: PostgresOptions, repositoryOptions: RepositoryOptions = {}): Promise<RegistryStore> {
  const pool = await openPostgresPool(options);
  let closing: Promise<void> | undefined;
  return {
    backend: 'postgres',
    servers: postgresServerRepository(pool, repositoryOptions),
    scopesHistory: postgresScopesHistory(pool, repositoryOptions),
    virtualServers: postgresVirtualServers(pool, repositoryOptions),
    sessions: postgresSessionRepository(pool),
    usage: postgresUsageRepository(pool),
    audit: postgresAuditRepository(pool, repositoryOptions),
    health: postgresHealthRepository(pool),
    agents: postgresAgentRepository(pool, repositoryOptions),
    ratings: postgresRatingRepository(pool, repositoryOptions),
    peers: postgresPeerRepository(pool, repositoryOptions),
    close: () => (closing ??= pool.end()),
  };
}
