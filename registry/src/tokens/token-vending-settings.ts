import { EnvError, envInt, envOptional } from '@mcpgw/lib/config/env.js';
import { MAX_TOKEN_TTL_SECONDS, parseTtl } from '@mcpgw/lib/tokens/issue-token.js';

export const DEFAULT_VENDED_TTL_SECONDS = 15 * 60;
export const DEFAULT_VENDED_MAX_TTL_SECONDS = 3600;
export const DEFAULT_VENDING_PER_MINUTE = 10;

/** POST /api/tokens: lifetimes of the tokens it mints and how many a person may mint per minute. */
export interface TokenVendingSettings {
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  perUserPerMinute: number;
}

/** TOKEN_VENDING_DEFAULT_TTL, TOKEN_VENDING_MAX_TTL (durations such as 15m, 1h), TOKEN_VENDING_PER_MINUTE. */
export function tokenVendingSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVendingSettings {
  const duration = (name: string, fallback: number): number => {
    const text = envOptional(name, env);
    if (text === undefined) return fallback;
    try {
      return parseTtl(text);
    } catch (error) {
      throw new EnvError(`${name}: ${(error as Error).message}`);
    }
  };
  return checkTokenVendingSettings({
    defaultTtlSeconds: duration('TOKEN_VENDING_DEFAULT_TTL', DEFAULT_VENDED_TTL_SECONDS),
    maxTtlSeconds: duration('TOKEN_VENDING_MAX_TTL', DEFAULT_VENDED_MAX_TTL_SECONDS),
    perUserPerMinute: envInt('TOKEN_VENDING_PER_MINUTE', DEFAULT_VENDING_PER_MINUTE, env),
  });
}

export function checkTokenVendingSettings(settings: TokenVendingSettings): TokenVendingSettings {
  if (settings.maxTtlSeconds < 1 || settings.maxTtlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new EnvError(`TOKEN_VENDING_MAX_TTL must be between 1s and ${MAX_TOKEN_TTL_SECONDS}s`);
  }
  if (settings.defaultTtlSeconds < 1 || settings.defaultTtlSeconds > settings.maxTtlSeconds) {
    throw new EnvError('TOKEN_VENDING_DEFAULT_TTL must be at least 1s and at most TOKEN_VENDING_MAX_TTL');
  }
  if (settings.perUserPerMinute < 1) throw new EnvError('TOKEN_VENDING_PER_MINUTE must be at least 1');
  return Object.freeze({ ...settings });
}
