import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import { JWKS_DEFAULTS } from '@mcpgw/lib/providers/identity-settings.js';
import { makeLoginSettings, type LoginSettingsInput } from '../../../registry/src/login/login-settings.js';
import { startRegistry, type RegistryOptions } from '../../../registry/src/start-registry.js';
import { makeTempDir } from '../../support/temp-dir.js';
import { TokenMint } from '../../support/tokens.js';

export const ADMIN = { user: 'admin', password: 'correct horse battery staple' };

export interface LoginRegistry {
  url: string;
  dataDir: string;
  mint: TokenMint;
  close(): Promise<void>;
}

/** A registry alone (no gateway), with the local administrator login and no identity provider. */
export async function startLoginRegistry(
  login: Partial<LoginSettingsInput> = {},
  options: Partial<Pick<RegistryOptions, 'tokenVending'>> & { scopes?: string; logger?: Logger } = {},
): Promise<LoginRegistry> {
  const temp = makeTempDir('mcpgw-login-');
  const scopesFile = path.join(temp.dir, 'scopes.yml');
  writeFileSync(scopesFile, options.scopes ?? readFileSync('config/scopes.yml', 'utf8'));
  try {
    const registry = await startRegistry({
      port: 0,
      dataDir: temp.dir,
      scopesFile,
      logger: options.logger ?? pino({ level: 'silent' }),
      internalToken: randomBytes(24).toString('hex'),
      identity: { providers: [], loginOnly: [], gatewayPublicUrl: 'http://127.0.0.1:8000', clockSkewSeconds: 60, jwks: JWKS_DEFAULTS },
      apiKeys: { keys: [], groups: [] },
      login: makeLoginSettings({ sessionSecret: randomBytes(32), admin: ADMIN, ...login }),
      ...(options.tokenVending ? { tokenVending: options.tokenVending } : {}),
    });
    return {
      url: registry.url,
      dataDir: temp.dir,
      mint: await TokenMint.forDataDir(temp.dir),
      close: async () => {
        await registry.close();
        temp.remove();
      },
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}

/** Logs the administrator in with JSON; the session cookie and the CSRF token. */
export async function adminSession(url: string, headers: Record<string, string> = {}): Promise<{ cookie: string; csrf: string; response: Response }> {
  const response = await fetch(`${url}/oauth2/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: ADMIN.user, password: ADMIN.password }),
  });
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.getSetCookie().find((line) => line.startsWith('mcpgw_session=')) ?? '').split(';')[0] as string;
  const { csrf_token: csrf } = (await response.clone().json()) as { csrf_token: string };
  return { cookie, csrf, response };
}
