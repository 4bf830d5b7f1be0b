import type { PostgresOptions } from './postgres/open-postgres-pool.js';
import { openPostgresStore } from './postgres/open-postgres-store.js';
import type { RegistryStore } from './registry-store.js';
import type { RepositoryOptions } from './server-repository.js';
import { openSqliteStore } from './sqlite/open-sqlite-store.js';

export interface StoreConfig extends RepositoryOptions {
  /** Holds registry.db when no database is given. */
  dataDir: string;
  /** PostgreSQL (DATABASE_URL); SQLite under dataDir when absent. */
  database?: PostgresOptions;
}

/** Opens the configured backend: PostgreSQL when a database URL is given, else SQLite. */
export function openRegistryStore(config: StoreConfig): Promise<RegistryStore> {
  const options: RepositoryOptions = config.clock === undefined ? {} : { clock: config.clock };
  return config.database === undefined ? openSqliteStore(config.dataDir, options) : openPostgresStore(config.database, options);
}
