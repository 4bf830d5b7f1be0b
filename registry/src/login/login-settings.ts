import { createHash, randomBytes, scrypt, scryptSync } from 'node:crypto';
import { promisify } from 'node:util';
import path from 'node:path';
import { EnvError, envBool, envInt, envOptional, envString } from '@mcpgw/lib/config/env.js';
import { readOrCreateSecretFile } from '@mcpgw/lib/files/create-once.js';

export const SESSION_SECRET_FILE = 'session-secret';
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 8 * 3600;
export const DEFAULT_ADMIN_GROUPS = ['mcp-registry-admin'];
export const DEFAULT_LOGIN_MAX_FAILURES = 5;
export const DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

/** The local administrator: the password is kept only as a salted scrypt hash, in memory. */
export interface AdminAccount {
  user: string;
  salt: Buffer;
  passwordHash: Buffer;
  groups: readonly string[];
}

/** Web login and session settings, frozen at start-up. */
export interface LoginSettings {
  /** Signs session cookies and derives the key of the login-state cookie. */
  sessionSecret: Buffer;
  sessionMaxAgeSeconds: number;
  /** `auto`: Secure when the request came over TLS (directly or through a trusted proxy). */
  cookieSecure: 'auto' | boolean;
  /** Addresses whose X-Forwarded-Proto and X-Forwarded-For are believed. */
  trustedProxies: ReadonlySet<string>;
  /** The registry's public origin for OAuth callbacks; undefined: the request's own origin. */
  publicUrl: string | undefined;
  admin: AdminAccount | undefined;
  maxFailures: number;
  failureWindowMs: number;
}

/**
 * SESSION_SECRET (else DATA_DIR/session-secret, created 0600), SESSION_MAX_AGE_SECONDS,
 * SESSION_COOKIE_SECURE (true, false or auto), TRUSTED_PROXIES, REGISTRY_PUBLIC_URL, ADMIN_USER,
 * ADMIN_PASSWORD, ADMIN_GROUPS, ADMIN_LOGIN_MAX_FAILURES, ADMIN_LOGIN_FAILURE_WINDOW_SECONDS.
 */
export function loginSettingsFromEnv(dataDirectory: string, env: NodeJS.ProcessEnv = process.env): LoginSettings {
  const secure = envString('SESSION_COOKIE_SECURE', 'auto', env).toLowerCase();
  const user = envOptional('ADMIN_USER', env);
  const password = envOptional('ADMIN_PASSWORD', env);
  if ((user === undefined) !== (password === undefined)) {
    throw new EnvError('set both ADMIN_USER and ADMIN_PASSWORD for the local administrator login, or neither');
  }
  return makeLoginSettings({
    sessionSecret: sessionSecret(dataDirectory, env),
    sessionMaxAgeSeconds: envInt('SESSION_MAX_AGE_SECONDS', DEFAULT_SESSION_MAX_AGE_SECONDS, env),
    cookieSecure: secure === 'auto' ? 'auto' : envBool('SESSION_COOKIE_SECURE', false, env),
    trustedProxies: listOf(envOptional('TRUSTED_PROXIES', env)),
    publicUrl: envOptional('REGISTRY_PUBLIC_URL', env),
    ...(user !== undefined && password !== undefined
      ? { admin: { user, password, groups: listOf(envOptional('ADMIN_GROUPS', env) ?? DEFAULT_ADMIN_GROUPS.join(',')) } }
      : {}),
    maxFailures: envInt('ADMIN_LOGIN_MAX_FAILURES', DEFAULT_LOGIN_MAX_FAILURES, env),
    failureWindowSeconds: envInt('ADMIN_LOGIN_FAILURE_WINDOW_SECONDS', DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS, env),
  });
}

export interface LoginSettingsInput {
  sessionSecret: Buffer;
  sessionMaxAgeSeconds?: number;
  cookieSecure?: 'auto' | boolean;
  trustedProxies?: Iterable<string>;
  publicUrl?: string;
  admin?: { user: string; password: string; groups?: Iterable<string> };
  maxFailures?: number;
  failureWindowSeconds?: number;
}

/** Settings from explicit values (tests, embedding); the admin password is hashed here and dropped. */
export function makeLoginSettings(input: LoginSettingsInput): LoginSettings {
  if (input.sessionSecret.length < 32) throw new EnvError('the session secret must be at least 32 bytes');
  const maxAge = input.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (maxAge < 1) throw new EnvError('SESSION_MAX_AGE_SECONDS must be at least 1');
  let admin: AdminAccount | undefined;
  if (input.admin) {
    if (input.admin.password.length < 12) throw new EnvError('ADMIN_PASSWORD must be at least 12 characters');
    const salt = randomBytes(16);
    admin = Object.freeze({
      user: input.admin.user,
      salt,
      passwordHash: hashPassword(input.admin.password, salt),
      groups: Object.freeze([...(input.admin.groups ?? DEFAULT_ADMIN_GROUPS)]),
    });
  }
  return Object.freeze({
    sessionSecret: input.sessionSecret,
    sessionMaxAgeSeconds: maxAge,
    cookieSecure: input.cookieSecure ?? 'auto',
    trustedProxies: new Set(input.trustedProxies ?? []),
    publicUrl: input.publicUrl?.replace(/\/+$/, ''),
    admin,
    maxFailures: Math.max(1, input.maxFailures ?? DEFAULT_LOGIN_MAX_FAILURES),
    failureWindowMs: (input.failureWindowSeconds ?? DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS) * 1000,
  });
}

const PASSWORD_HASH_BYTES = 32;
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

export function hashPassword(password: string, salt: Buffer): Buffer {
  return scryptSync(password.normalize('NFC'), salt, PASSWORD_HASH_BYTES);
}

/** hashPassword off the event loop, for login attempts. */
export function hashPasswordAsync(password: string, salt: Buffer): Promise<Buffer> {
  return scryptAsync(password.normalize('NFC'), salt, PASSWORD_HASH_BYTES);
}

function sessionSecret(dataDirectory: string, env: NodeJS.ProcessEnv): Buffer {
  const configured = envOptional('SESSION_SECRET', env);
  if (configured !== undefined) {
    if (configured.length < 32) throw new EnvError('SESSION_SECRET must be at least 32 characters (make one with: openssl rand -base64 32)');
    return createHash('sha256').update(configured).digest();
  }
  const text = readOrCreateSecretFile(path.join(dataDirectory, SESSION_SECRET_FILE), () => `${randomBytes(32).toString('base64')}\n`);
  return Buffer.from(text.trim(), 'base64');
}

function listOf(text: string | undefined): Set<string> {
  return new Set((text ?? '').split(',').map((item) => item.trim()).filter(Boolean));
}
