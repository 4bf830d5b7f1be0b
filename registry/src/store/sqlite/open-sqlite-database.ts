import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './sqlite-migrations.js';

export const SQLITE_FILE_NAME = 'registry.db';
/** How long a write waits for another connection's write lock (other replicas, the CLI). */
const BUSY_TIMEOUT_MS = 5000;

/** Opens DATA_DIR/registry.db (creating the directory and the file), in WAL mode, migrated. */
export function openSqliteDatabase(dataDirectory: string): Database {
  mkdirSync(dataDirectory, { recursive: true });
  const db = new BetterSqlite3(path.join(dataDirectory, SQLITE_FILE_NAME));
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
