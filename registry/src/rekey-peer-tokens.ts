import { parseFernetKey } from '@mcpgw/lib/crypto/fernet.js';
import { dataDir, envOptional } from '@mcpgw/lib/config/env.js';
import { reencryptPeerTokens } from './federation/reencrypt-peer-tokens.js';
import { openRegistryStore } from './store/open-registry-store.js';

/**
 * Rotates FEDERATION_ENCRYPTION_KEY: re-encrypts the stored peer tokens from FEDERATION_ENCRYPTION_KEY
 * to FEDERATION_ENCRYPTION_KEY_NEW, on the database of DATA_DIR or DATABASE_URL. Then put the new key
 * in FEDERATION_ENCRYPTION_KEY and restart the registry.
 *   FEDERATION_ENCRYPTION_KEY_NEW=$(npx mcpgw federation keygen) node registry/dist/rekey-peer-tokens.js
 */
const oldText = envOptional('FEDERATION_ENCRYPTION_KEY');
const newText = envOptional('FEDERATION_ENCRYPTION_KEY_NEW');
if (oldText === undefined || newText === undefined) {
  process.stderr.write('set FEDERATION_ENCRYPTION_KEY (the key in use) and FEDERATION_ENCRYPTION_KEY_NEW (make one with "npx mcpgw federation keygen")\n');
  process.exit(64);
}
const url = envOptional('DATABASE_URL');
const store = await openRegistryStore({ dataDir: dataDir(), ...(url === undefined ? {} : { database: { url } }) });
try {
  const result = await reencryptPeerTokens(store.peers, parseFernetKey(oldText), parseFernetKey(newText));
  process.stdout.write(`${JSON.stringify(result)}\nnow set FEDERATION_ENCRYPTION_KEY to the new key and restart the registry\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}
