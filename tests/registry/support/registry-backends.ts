import { postgresSkipReason } from '../../support/postgres.js';

export type RegistryBackend = 'sqlite' | 'postgres';

export interface BackendCase {
  backend: RegistryBackend;
  /** A reason to skip this backend's tests, or false. */
  skip: string | false;
}

/** The backends every registry suite runs on: SQLite always, PostgreSQL unless it must be skipped. */
export async function registryBackends(): Promise<BackendCase[]> {
  return [
    { backend: 'sqlite', skip: false },
    { backend: 'postgres', skip: await postgresSkipReason() },
  ];
}
