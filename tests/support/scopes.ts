import yaml from 'js-yaml';

/** The group the stack's own administrator token carries (tests/support/stack.ts). */
export const STACK_ADMIN_GROUP = 'mcp-registry-admin';

/**
 * A test's scopes.yml plus an administrator: the group mcp-registry-admin with every server action on
 * all servers and every method and tool everywhere, so the stack can register the servers a test needs.
 * A test that defines the group itself keeps its own definition.
 */
export function withAdministrator(scopesYaml: string): string {
  const document = (yaml.load(scopesYaml) ?? {}) as Record<string, unknown>;
  const groups = (document.group_mappings ?? {}) as Record<string, string[]>;
  const uiScopes = (document['UI-Scopes'] ?? {}) as Record<string, unknown>;
  return yaml.dump({
    ...document,
    group_mappings: { [STACK_ADMIN_GROUP]: ['stack-admin-ui', 'stack-all-servers'], ...groups },
    'UI-Scopes': {
      'stack-admin-ui': Object.fromEntries(['list_service', 'register_service', 'modify_service', 'toggle_service', 'delete_service'].map((action) => [action, ['all']])),
      ...uiScopes,
    },
    'stack-all-servers': [{ server: '*', methods: ['all'], tools: ['all'] }],
  });
}
