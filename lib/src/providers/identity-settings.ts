import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_PORTS, envInt, envOptional } from '../config/env.js';
import { parsePublicUrl } from '../tokens/resource-metadata.js';
import { parseProvidersFile } from './parse-providers-file.js';
import { providerEntriesFromEnv } from './provider-entries-from-env.js';
import type { ProviderSettings } from './provider-settings.js';
import { resolveProviders } from './resolve-providers.js';

export const DEFAULT_PROVIDERS_FILE = path.join('config', 'oauth2_providers.yml');
/** Clock skew allowed on identity provider tokens' exp and nbf. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
export const JWKS_DEFAULTS = {
  /** Shorter than the gateway's auth check timeout, so that an outage answers 503 rather than a timeout. */
  timeoutMs: 1500,
  /** After a fetch, how long an unknown `kid` waits before the keys are fetched again. */
  cooldownMs: 30_000,
  /** How long fetched keys are used before they are fetched again. */
  cacheMaxAgeMs: 600_000,
} as const;

export interface JwksSettings {
  timeoutMs: number;
  cooldownMs: number;
  cacheMaxAgeMs: number;
}

/** Everything token validation needs besides the registry's own tokens; frozen at start-up. */
export interface IdentitySettings {
  providers: readonly ProviderSettings[];
  /** Enabled providers without an issuer, usable for login only. */
  loginOnly: readonly string[];
  /** The gateway's public origin: the `resource` of its metadata and the audience of resource-bound tokens. */
  gatewayPublicUrl: string;
  clockSkewSeconds: number;
  jwks: JwksSettings;
}

/**
 * Reads the identity configuration: the providers of OAUTH2_PROVIDERS_FILE (default
 * config/oauth2_providers.yml; a missing default file means none) and of AUTH_PROVIDER (which
 * replaces a file entry of the same name), GATEWAY_PUBLIC_URL (default http://127.0.0.1:GATEWAY_PORT),
 * TOKEN_CLOCK_SKEW_SECONDS and the JWKS_* cache settings. Throws on any invalid value, listing every problem.
 */
export function identitySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): IdentitySettings {
  const file = envOptional('OAUTH2_PROVIDERS_FILE', env);
  const fileEntries = readEntries(path.resolve(file ?? DEFAULT_PROVIDERS_FILE), file !== undefined, env);
  const { providers, loginOnly } = resolveProviders({ ...fileEntries, ...providerEntriesFromEnv(env) }, env);
  return Object.freeze({
    providers: Object.freeze(providers),
    loginOnly: Object.freeze(loginOnly),
    gatewayPublicUrl: gatewayPublicUrlFromEnv(env),
    clockSkewSeconds: envInt('TOKEN_CLOCK_SKEW_SECONDS', DEFAULT_CLOCK_SKEW_SECONDS, env),
    jwks: Object.freeze({
      timeoutMs: envInt('JWKS_TIMEOUT_MS', JWKS_DEFAULTS.timeoutMs, env),
      cooldownMs: envInt('JWKS_COOLDOWN_SECONDS', JWKS_DEFAULTS.cooldownMs / 1000, env) * 1000,
      cacheMaxAgeMs: envInt('JWKS_CACHE_SECONDS', JWKS_DEFAULTS.cacheMaxAgeMs / 1000, env) * 1000,
    }),
  });
}

/** GATEWAY_PUBLIC_URL, default http://127.0.0.1:GATEWAY_PORT, as an origin. */
export function gatewayPublicUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const configured = envOptional('GATEWAY_PUBLIC_URL', env);
  return parsePublicUrl(configured ?? `http://127.0.0.1:${envInt('GATEWAY_PORT', DEFAULT_PORTS.gateway, env)}`);
}

function readEntries(file: string, required: boolean, env: NodeJS.ProcessEnv) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the identity provider file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseProvidersFile(text, env, file).providers;
}
