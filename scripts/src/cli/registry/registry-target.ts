import { DEFAULT_PORTS } from '@mcpgw/lib/config/env.js';
import { CliError } from '../cli-error.js';
import type { RegistryTarget } from './call-registry.js';

export const DEFAULT_REGISTRY_URL = `http://127.0.0.1:${DEFAULT_PORTS.registry}`;

/** The registry and token a command talks to: --url / --token, else REGISTRY_URL / MCPGW_TOKEN. */
export function registryTarget(options: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv): RegistryTarget {
  return { url: registryUrl(options.url ?? (env.REGISTRY_URL || DEFAULT_REGISTRY_URL)), token: options.token ?? (env.MCPGW_TOKEN || undefined) };
}

function registryUrl(text: string): URL {
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `the registry URL ${JSON.stringify(text)} is not an http(s) URL, e.g. ${DEFAULT_REGISTRY_URL}`);
}
