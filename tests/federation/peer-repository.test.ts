import path from 'node:path';
import { openPostgresStore } from '../../registry/src/store/postgres/open-postgres-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { createTestSchema, postgresSkipReason } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { runPeerRepositoryContract } from './peer-repository-contract.js';

runPeerRepositoryContract('sqlite', async () => {
  const temp = makeTempDir('mcpgw-peers-');
  const store = await openSqliteStore(path.join(temp.dir, 'data'));
  return {
    store,
    destroy: async () => {
      await store.close();
      temp.remove();
    },
  };
});

runPeerRepositoryContract(
  'postgres',
  async () => {
    const schema = await createTestSchema();
    const store = await openPostgresStore({ url: schema.url, schema: schema.schema });
    return {
      store,
      destroy: async () => {
        await store.close();
        await schema.drop();
      },
    };
  },
  { skip: await postgresSkipReason() },
);
