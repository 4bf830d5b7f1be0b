import type { RegistryStore } from '../registry-store.js';
import type { RepositoryOptions } from '../server-repository.js';
import { openPostgresPool, type PostgresOptions } from './open-postgres-pool.js';
import { postgresScopesHistory } from './postgres-scopes-history.js';
import { postgresServerRepository } from './postgres-server-repository.js';
import { postgresSessionRepository } from './postgres-session-repository.js';

/** The registry's store on PostgreSQL (DATABASE_URL): one pool shared by every repository. */
export async function openPostgresStore(options: PostgresOptions, repositoryOptions: RepositoryOptions = {}): Promise<RegistryStore> {
  const pool = await openPostgresPool(options);
  let closing: Promise<void> | undefined;
  return {
    backend: 'postgres',
    servers: postgresServerRepository(pool, repositoryOptions),
    scopesHistory: postgresScopesHistory(pool, repositoryOptions),
    sessions: postgresSessionRepository(pool),
    close: () => (closing ??= pool.end()),
  };
}
