import type { RegistryStore } from '../registry-store.js';
import type { RepositoryOptions } from '../server-repository.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { sqliteHealthRepository } from './sqlite-health-repository.js';
import { sqliteAgentRepository } from './sqlite-agent-repository.js';
import { sqliteRatingRepository } from './sqlite-rating-repository.js';
import { sqlitePeerRepository } from './sqlite-peer-repository.js';
import { sqliteScopesHistory } from './sqlite-scopes-history.js';
import { sqliteServerRepository } from './sqlite-server-repository.js';
import { sqliteVirtualServers } from './sqlite-virtual-servers.js';
import { sqliteSessionRepository } from './sqlite-session-repository.js';
import { sqliteUsageRepository } from './sqlite-usage-repository.js';
import { sqliteAuditRepository } from './sqlite-audit-repository.js';

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
    virtualServers: sqliteVirtualServers(db, options),
    sessions: sqliteSessionRepository(db),
    usage: sqliteUsageRepository(db),
    audit: sqliteAuditRepository(db, options),
    health: sqliteHealthRepository(db),
    agents: sqliteAgentRepository(db, options),
    ratings: sqliteRatingRepository(db, options),
    peers: sqlitePeerRepository(db, options),
    close: async () => close(),
  };
}
