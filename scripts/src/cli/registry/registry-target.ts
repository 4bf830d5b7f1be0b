import { DEFAULT_PORTS } from '@mcpgw/lib/config/env.js';
import { callerToken } from '../caller-token.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../cli-io.js';
import type { RegistryTarget } from './call-registry.js';

export const DEFAULT_REGISTRY_URL = `http://127.0.0.1:${DEFAULT_PORTS.registry}`;

/** The registry and token a command talks to: --url / --token, else REGISTRY_URL / MCPGW_TOKEN, else the stored login's token. */
export async function registryTarget(options: { url?: string | undefined; token?: string | undefined }, io: CliIo): Promise<RegistryTarget> {
  return { url: registryUrl(options.url ?? (io.env.REGISTRY_URL || DEFAULT_REGISTRY_URL)), token: await callerToken(io, options.token) };
}

function registryUrl(text: string): URL {
  if (URL.canParse(text)) {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  }
  throw new CliError('CLI_INVALID_ARGUMENT', `the registry URL ${JSON.stringify(text)} is not an http(s) URL, e.g. ${DEFAULT_REGISTRY_URL}`);
}
