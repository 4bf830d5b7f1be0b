import { readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import * as oidc from 'openid-client';
import { writeFileAtomic } from '../files/atomic-write.js';
import { discoverNativeClient, type TokenAnswer } from './native-client.js';

export const LOGIN_FILE = 'login.json';
/** A stored access token this close to its expiry is refreshed before use. */
export const REFRESH_MARGIN_SECONDS = 60;

/** What `mcpgw login` keeps (mode 0600): the tokens and where to refresh them. */
export interface StoredLogin {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  accessToken: string;
  refreshToken?: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  subject?: string;
}

/** MCPGW_CONFIG_DIR, else $XDG_CONFIG_HOME/mcpgw, else ~/.config/mcpgw. */
export function configDirectory(env: NodeJS.ProcessEnv): string {
  if (env.MCPGW_CONFIG_DIR) return path.resolve(env.MCPGW_CONFIG_DIR);
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'mcpgw');
}

export function loginFile(env: NodeJS.ProcessEnv): string {
  return path.join(configDirectory(env), LOGIN_FILE);
}

export function readStoredLogin(env: NodeJS.ProcessEnv): StoredLogin | undefined {
  try {
    return JSON.parse(readFileSync(loginFile(env), 'utf8')) as StoredLogin;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${loginFile(env)} cannot be read (${(error as Error).message}); remove it and run mcpgw login again`, { cause: error });
  }
}

export async function writeStoredLogin(env: NodeJS.ProcessEnv, login: StoredLogin): Promise<void> {
  const directory = configDirectory(env);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await writeFileAtomic(loginFile(env), `${JSON.stringify(login, null, 2)}\n`, 0o600);
  await chmod(loginFile(env), 0o600);
}

/** The stored form of a token answer. */
export function storedLoginOf(answer: TokenAnswer, client: Pick<StoredLogin, 'issuer' | 'clientId' | 'clientSecret'>, previous?: StoredLogin, now = Math.floor(Date.now() / 1000)): StoredLogin {
  const refreshToken = answer.refresh_token ?? previous?.refreshToken;
  const subject = answer.claims()?.sub ?? previous?.subject;
  return {
    ...client,
    accessToken: answer.access_token,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    expiresAt: now + (answer.expires_in ?? 300),
    ...(subject === undefined ? {} : { subject }),
  };
}

/**
 * The stored access token, refreshed first (and stored again) when it expires within the margin;
 * undefined when nobody logged in. Throws when it expired and cannot be refreshed.
 */
export async function currentAccessToken(env: NodeJS.ProcessEnv, now = Math.floor(Date.now() / 1000)): Promise<string | undefined> {
  const stored = readStoredLogin(env);
  if (stored === undefined) return undefined;
  if (stored.expiresAt - REFRESH_MARGIN_SECONDS > now) return stored.accessToken;
  if (stored.refreshToken === undefined) throw new Error('the stored login has expired and has no refresh token; run mcpgw login again');
  let answer: TokenAnswer;
  try {
    const client = await discoverNativeClient({ issuer: stored.issuer, clientId: stored.clientId, clientSecret: stored.clientSecret });
    answer = await oidc.refreshTokenGrant(client, stored.refreshToken);
  } catch (error) {
    throw new Error(`the stored login could not be refreshed (${(error as Error).message}); run mcpgw login again`, { cause: error });
  }
  const refreshed = storedLoginOf(answer, stored, stored, now);
  await writeStoredLogin(env, refreshed);
  return refreshed.accessToken;
}
