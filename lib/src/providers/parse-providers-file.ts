import yaml from 'js-yaml';
import { toProblem } from '../scopes/parse-scopes.js';
import { providersFileSchema, type ProvidersFile } from './providers-schema.js';
import { ProvidersInvalidError } from './providers-invalid-error.js';
import { substituteEnv } from './substitute-env.js';

/**
 * Parses oauth2_providers.yml text: YAML, then `${ENV}` substitution, then the schema (unknown keys
 * refused). Pure: throws ProvidersInvalidError listing every problem with its path.
 */
export function parseProvidersFile(text: string, env: NodeJS.ProcessEnv, source = 'oauth2_providers.yml'): ProvidersFile {
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new ProvidersInvalidError([{ path: '', message: `not valid YAML: ${message}` }], source);
  }
  const result = providersFileSchema.safeParse(substituteEnv(document ?? {}, env));
  if (!result.success) throw new ProvidersInvalidError(result.error.issues.map(toProblem), source);
  return result.data;
}
