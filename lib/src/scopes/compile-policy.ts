import { canonicalServerPath, scopeServerKey, tryCanonicalServerPath } from '../paths/canonical-path.js';
import { GROUP_MAPPINGS_KEY, UI_SCOPES_KEY, type ScopesFile, type ServerEntry, type UiAction } from './scopes-schema.js';
import { serverScopeEntries } from './parse-scopes.js';
import { nameAllowance, type NameAllowance } from './name-allowance.js';

/** A server entry of scopes.yml, compiled for look-ups on the hot path. */
export interface CompiledEntry {
  scope: string;
  allMethods: boolean;
  methods: ReadonlySet<string>;
  /** Prefixes from patterns such as `resources/*` (stored as `resources/`). */
  methodPrefixes: readonly string[];
  allTools: boolean;
  tools: ReadonlySet<string>;
  /** The prompts this entry's methods reach; undefined when the entry lists none (method-level only). */
  prompts: NameAllowance | undefined;
  /** The resource URIs this entry's methods reach; undefined when the entry lists none (method-level only). */
  resources: NameAllowance | undefined;
}

export interface UiGrant {
  all: boolean;
  paths: ReadonlySet<string>;
}

export interface CompiledPolicy {
  /** IdP group -> scope names. */
  readonly groupScopes: ReadonlyMap<string, readonly string[]>;
  /** Every scope name the file defines (server scopes and UI scopes). */
  readonly knownScopes: ReadonlySet<string>;
  /** Server scope -> server key (no slashes) -> entries; `*` entries under the key `*`. */
  readonly serverEntries: ReadonlyMap<string, ReadonlyMap<string, readonly CompiledEntry[]>>;
  /** UI scope -> action -> grant. */
  readonly uiGrants: ReadonlyMap<string, ReadonlyMap<UiAction, UiGrant>>;
  /** The validated document the policy was compiled from. */
  readonly source: ScopesFile;
}

const WILDCARDS = new Set(['all', '*']);

export function compileEntry(scope: string, entry: ServerEntry): CompiledEntry {
  const methods = entry.methods ?? [];
  const tools = entry.tools ?? [];
  return {
    scope,
    allMethods: methods.some((m) => WILDCARDS.has(m)),
    methods: new Set(methods),
    methodPrefixes: methods.filter((m) => m.length > 2 && m.endsWith('/*')).map((m) => m.slice(0, -1)),
    allTools: tools.some((t) => WILDCARDS.has(t)),
    tools: new Set(tools),
    prompts: entry.prompts === undefined ? undefined : nameAllowance(entry.prompts),
    resources: entry.resources === undefined ? undefined : nameAllowance(entry.resources),
  };
}

/** Compiles a validated scopes file into Maps and Sets, once, so that decisions only look things up. */
export function compilePolicy(file: ScopesFile): CompiledPolicy {
  const groupScopes = new Map(Object.entries(file[GROUP_MAPPINGS_KEY]));
  const serverEntries = new Map<string, Map<string, CompiledEntry[]>>();
  for (const [scope, entries] of serverScopeEntries(file)) {
    const byServer = new Map<string, CompiledEntry[]>();
    for (const entry of entries as ServerEntry[]) {
      const key = entry.server === '*' ? '*' : scopeServerKey(entry.server);
      const list = byServer.get(key) ?? [];
      list.push(compileEntry(scope, entry));
      byServer.set(key, list);
    }
    serverEntries.set(scope, byServer);
  }
  const uiGrants = new Map<string, Map<UiAction, UiGrant>>();
  for (const [scope, actions] of Object.entries(file[UI_SCOPES_KEY])) {
    const grants = new Map<UiAction, UiGrant>();
    for (const [action, targets] of Object.entries(actions) as Array<[UiAction, string[] | undefined]>) {
      const list = targets ?? [];
      grants.set(action, {
        all: list.some((t) => WILDCARDS.has(t)),
        paths: new Set(list.map(tryCanonicalServerPath).filter((p): p is string => p !== undefined)),
      });
    }
    uiGrants.set(scope, grants);
  }
  const knownScopes = new Set([...serverEntries.keys(), ...uiGrants.keys()]);
  return { groupScopes, knownScopes, serverEntries, uiGrants, source: file };
}

/**
 * A caller's scopes: the union of the scopes its groups map to and the scope names in its token
 * that the file defines (unknown names in a token grant nothing).
 */
export function resolveScopes(policy: CompiledPolicy, groups: readonly string[], tokenScopes: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const group of groups) for (const scope of policy.groupScopes.get(group) ?? []) scopes.add(scope);
  for (const scope of tokenScopes) if (policy.knownScopes.has(scope)) scopes.add(scope);
  return [...scopes];
}

/** Every entry of the caller's scopes that matches a server path (exact, or `*`). */
export function matchingEntries(policy: CompiledPolicy, scopes: readonly string[], serverPath: string): CompiledEntry[] {
  const key = scopeServerKey(serverPath);
  const found: CompiledEntry[] = [];
  for (const scope of scopes) {
    const byServer = policy.serverEntries.get(scope);
    if (!byServer) continue;
    const exact = byServer.get(key);
    if (exact) found.push(...exact);
    const wildcard = byServer.get('*');
    if (wildcard) found.push(...wildcard);
  }
  return found;
}

/** Whether the caller's scopes grant a registry action on a server path (or on any, when path is omitted). */
export function allowsUiAction(policy: CompiledPolicy, scopes: readonly string[], action: UiAction, path?: string): boolean {
  const canonical = path === undefined ? undefined : canonicalServerPath(path);
  for (const scope of scopes) {
    const grant = policy.uiGrants.get(scope)?.get(action);
    if (!grant) continue;
    if (grant.all) return true;
    if (canonical === undefined ? grant.paths.size > 0 : grant.paths.has(canonical)) return true;
  }
  return false;
}
