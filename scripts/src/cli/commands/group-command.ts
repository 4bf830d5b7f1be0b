import { printJson, type CliIo } from '../cli-io.js';
import { commaList, parseOptions, usageError } from '../parse-options.js';
import { callRegistry } from '../registry/call-registry.js';
import { registryTarget } from '../registry/registry-target.js';
import { withKeycloakAdmin } from '../keycloak/with-keycloak-admin.js';
import { GROUP_USAGE } from '../usage.js';

const GROUPS_API = '/api/scopes/groups';

/**
 * `mcpgw group create|list|delete`: groups in the configured Keycloak realm. With --scopes, create also
 * maps the group in scopes.yml through the registry; with --unmap, delete also removes the mapping.
 */
export async function groupCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        scopes: { type: 'string' },
        unmap: { type: 'boolean' },
        url: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw group',
  );
  if (values.help) {
    io.stdout.write(GROUP_USAGE);
    return 0;
  }
  const [subcommand, name, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw group');
  if (values.scopes !== undefined && subcommand !== 'create') throw usageError('--scopes belongs to "group create"', 'mcpgw group');
  if (values.unmap && subcommand !== 'delete') throw usageError('--unmap belongs to "group delete"', 'mcpgw group');
  switch (subcommand) {
    case 'create': {
      if (!name) throw usageError('group create takes NAME', 'mcpgw group');
      const scopes = commaList(values.scopes);
      const target = scopes.length > 0 ? await registryTarget(values, io) : undefined;
      const group = await withKeycloakAdmin(io.env, async (admin) => {
        const created = await admin.createGroup(name);
        if (target === undefined) return created;
        try {
          await callRegistry(target, 'PUT', `${GROUPS_API}/${encodeURIComponent(name)}`, { scopes });
        } catch (error) {
          // A mapping the registry refuses leaves no group behind: run the command again once it is fixed.
          await admin.deleteGroup(name);
          throw error;
        }
        return created;
      });
      printJson(io, { id: group.id, name: group.name, ...(scopes.length > 0 ? { mapped_scopes: scopes } : {}) });
      return 0;
    }
    case 'list':
      if (name !== undefined) throw usageError('group list takes no NAME', 'mcpgw group');
      printJson(io, { groups: (await withKeycloakAdmin(io.env, (admin) => admin.listGroups())).map((group) => ({ id: group.id, name: group.name })) });
      return 0;
    case 'delete':
      if (!name) throw usageError('group delete takes NAME', 'mcpgw group');
      await withKeycloakAdmin(io.env, (admin) => admin.deleteGroup(name));
      if (values.unmap) await callRegistry(await registryTarget(values, io), 'DELETE', `${GROUPS_API}/${encodeURIComponent(name)}`);
      printJson(io, { deleted: name, ...(values.unmap ? { unmapped: true } : {}) });
      return 0;
    default:
      throw usageError(subcommand === undefined ? 'missing subcommand: create, list or delete' : `unknown subcommand "group ${subcommand}"`, 'mcpgw group');
  }
}
