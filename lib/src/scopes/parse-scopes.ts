import yaml from 'js-yaml';
import { z } from 'zod';
import { GROUP_MAPPINGS_KEY, UI_SCOPES_KEY, scopesFileSchema, type ScopesFile } from './scopes-schema.js';
import { scopeServerKey } from '../paths/canonical-path.js';
import { RATE_LIMITS_KEY } from '../ratelimit/rate-limit-schema.js';

export interface ScopesProblem {
  /** Where in the file, e.g. `group_mappings.admins[1]`. */
  path: string;
  message: string;
}

export class ScopesInvalidError extends Error {
  readonly code = 'SCOPES_INVALID';
  constructor(readonly problems: ScopesProblem[], source = 'scopes.yml') {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p.path || '(top level)'}: ${p.message}`).join('\n')}`);
  }
}

/** Parses and validates scopes.yml text. Pure: throws ScopesInvalidError listing every problem. */
export function parseScopes(text: string, source = 'scopes.yml'): ScopesFile {
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new ScopesInvalidError([{ path: '', message: `not valid YAML: ${message}` }], source);
  }
  if (document === null || document === undefined) document = {};
  return validateScopes(document, source);
}

/** Validates an already-parsed scopes document (from YAML or from the registry API). */
export function validateScopes(document: unknown, source = 'scopes.yml'): ScopesFile {
  const result = scopesFileSchema.safeParse(document);
  if (!result.success) throw new ScopesInvalidError(result.error.issues.map(toProblem), source);
  const problems = crossReferenceProblems(result.data);
  if (problems.length > 0) throw new ScopesInvalidError(problems, source);
  return result.data;
}

export function toProblem(issue: z.core.$ZodIssue): ScopesProblem {
  const path = issue.path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` };
  }
  return { path, message: issue.message };
}

/** Problems zod cannot see: names that point nowhere, server entries that can never match. */
function crossReferenceProblems(file: ScopesFile): ScopesProblem[] {
  const problems: ScopesProblem[] = [];
  const defined = new Set(serverScopeEntries(file).map(([key]) => key));
  for (const uiScope of Object.keys(file[UI_SCOPES_KEY])) defined.add(uiScope);
  for (const [group, scopes] of Object.entries(file[GROUP_MAPPINGS_KEY])) {
    scopes.forEach((scope, index) => {
      if (!defined.has(scope)) {
        problems.push({
          path: `${GROUP_MAPPINGS_KEY}.${group}[${index}]`,
          message: `scope ${JSON.stringify(scope)} is not defined; add it under UI-Scopes or as a server scope`,
        });
      }
    });
  }
  for (const [scope, entries] of serverScopeEntries(file)) {
    entries.forEach((entry, index) => {
      if (entry.server !== '*' && scopeServerKey(entry.server) === '') {
        problems.push({ path: `${scope}[${index}].server`, message: 'must name a server path or "*"' });
      }
    });
  }
  return problems;
}

/** The server scopes of a file: every top-level key except group_mappings, UI-Scopes and rate_limits. */
export function serverScopeEntries(file: ScopesFile): Array<[string, ScopesFile[string]]> {
  return Object.entries(file).filter(([key]) => key !== GROUP_MAPPINGS_KEY && key !== UI_SCOPES_KEY && key !== RATE_LIMITS_KEY) as Array<
    [string, ScopesFile[string]]
  >;
}
