import { readFileSync } from 'node:fs';
import { envOptional } from '@mcpgw/lib/config/env.js';
import type { StaticKey } from '@mcpgw/lib/tokens/static-token-matcher.js';

export const REGISTRY_API_TOKEN_NAME = 'registry-api-token';
export const DEFAULT_REGISTRY_API_GROUPS: readonly string[] = ['mcp-registry-admin'];
export const MIN_STATIC_KEY_LENGTH = 16;

/** Static credentials for machines calling the registry API, and the groups their callers get. */
export interface RegistryApiKeys {
  keys: readonly StaticKey[];
  groups: readonly string[];
}

/**
 * REGISTRY_API_TOKEN (one key, named `registry-api-token`), REGISTRY_API_KEYS (`name:key,name:key`)
 * and REGISTRY_API_KEYS_FILE (one `name:key` a line, `#` comments), all accepted together; callers
 * presenting one get the groups of REGISTRY_API_GROUPS (default mcp-registry-admin). Throws on a
 * malformed entry, a short key or a repeated name, listing every problem.
 */
export function registryApiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): RegistryApiKeys {
  const problems: string[] = [];
  const keys: StaticKey[] = [];
  const add = (source: string, name: string, key: string): void => {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) problems.push(`${source}: the name ${JSON.stringify(name)} must be letters, digits, ".", "_" or "-"`);
    else if (key.length < MIN_STATIC_KEY_LENGTH) problems.push(`${source}: the key of ${name} must be at least ${MIN_STATIC_KEY_LENGTH} characters`);
    else if (keys.some((existing) => existing.name === name)) problems.push(`${source}: the name ${name} is used twice`);
    else keys.push({ name, key });
  };
  const parseList = (source: string, items: string[]): void => {
    for (const item of items) {
      const separator = item.indexOf(':');
      if (separator <= 0) problems.push(`${source}: ${JSON.stringify(item.slice(0, 20))}… is not name:key`);
      else add(source, item.slice(0, separator).trim(), item.slice(separator + 1).trim());
    }
  };

  const token = envOptional('REGISTRY_API_TOKEN', env);
  if (token !== undefined) add('REGISTRY_API_TOKEN', REGISTRY_API_TOKEN_NAME, token.trim());
  parseList('REGISTRY_API_KEYS', (envOptional('REGISTRY_API_KEYS', env) ?? '').split(',').map((item) => item.trim()).filter(Boolean));
  const file = envOptional('REGISTRY_API_KEYS_FILE', env);
  if (file !== undefined) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`REGISTRY_API_KEYS_FILE: cannot read ${file}: ${(error as Error).message}`);
    }
    parseList(`REGISTRY_API_KEYS_FILE ${file}`, text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')));
  }
  if (problems.length > 0) throw new Error(`invalid registry API keys:\n  ${problems.join('\n  ')}`);

  const groups = (envOptional('REGISTRY_API_GROUPS', env) ?? DEFAULT_REGISTRY_API_GROUPS.join(',')).split(',').map((group) => group.trim()).filter(Boolean);
  return Object.freeze({ keys: Object.freeze(keys), groups: Object.freeze(groups) });
}
