import { parseProvidersFile } from '@mcpgw/lib/providers/parse-providers-file.js';
import type { ProviderSettings } from '@mcpgw/lib/providers/provider-settings.js';
import { resolveProviders } from '@mcpgw/lib/providers/resolve-providers.js';

/** The enabled providers of oauth2_providers.yml text, through the same parsing the services use. */
export function providersFromYaml(text: string, env: NodeJS.ProcessEnv = {}): ProviderSettings[] {
  return resolveProviders(parseProvidersFile(text, env).providers, env).providers;
}
