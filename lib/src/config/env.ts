import path from 'node:path';

/** Reads environment variables with named defaults, failing loudly on values that do not parse. */
export class EnvError extends Error {
  readonly code = 'CONFIG_INVALID_ENV';
}

export function envString(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envOptional(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function envInt(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new EnvError(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function envBool(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const lowered = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lowered)) return true;
  if (['0', 'false', 'no', 'off'].includes(lowered)) return false;
  throw new EnvError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

/** Parses sizes such as `4mb`, `512kb`, `1048576`. */
export function envBytes(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?$/i.exec(raw.trim());
  if (!match) throw new EnvError(`${name} must be a size such as 4mb or 65536, got ${JSON.stringify(raw)}`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Parses durations such as `250ms`, `15s`, `2m`, `1h` (a bare number is seconds) into milliseconds. */
export function envDuration(name: string, fallbackMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallbackMs;
  const match = /^(\d+)\s*(ms|s|m|h)?$/i.exec(raw.trim());
  if (!match) throw new EnvError(`${name} must be a duration such as 15s, 500ms or 2m, got ${JSON.stringify(raw)}`);
  const unit = (match[2] ?? 's').toLowerCase() as keyof typeof DURATION_UNITS_MS;
  return Number(match[1]) * DURATION_UNITS_MS[unit];
}

export const DEFAULT_PORTS = { gateway: 8000, registry: 7860, auth: 8888 } as const;

/** DATA_DIR (default ./data), resolved against the working directory. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(envString('DATA_DIR', 'data', env));
}

/** SCOPES_FILE (default config/scopes.yml), resolved against the working directory. */
export function scopesFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(envString('SCOPES_FILE', path.join('config', 'scopes.yml'), env));
}
