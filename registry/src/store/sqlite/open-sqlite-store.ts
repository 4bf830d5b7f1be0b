import type { RegistryStore } from '../registry-store.js';
import type { RepositoryOptions } from '../server-repository.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { sqliteScopesHistory } from './sqlite-scopes-history.js';
import { sqliteServerRepository } from './sqlite-server-repository.js';
import { sqliteSessionRepository } from './sqlite-session-repository.js';

/** The registry's store on DATA_DIR/registry.db: one connection shared by every repository. */
export async function openSqliteStore(dataDirectory: string, options: RepositoryOptions = {}): Promise<RegistryStore> {
  const db = openSqliteDatabase(dataDirectory);
  const close = (): void => {
    if (db.open) db.close();
  };
  return {
    backend: 'sqlite',
    servers: sqliteServerRepository(db, options, () => undefined),
    scopesHistory: sqliteScopesHistory(db, options),
    sessions: sqliteSessionRepository(db),
    close: async () => close(),
  };
}
