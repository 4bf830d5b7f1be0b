import { printJson, type CliIo } from '../cli-io.js';
import { commaList, parseOptions, usageError } from '../parse-options.js';
import { withKeycloakAdmin } from '../keycloak/with-keycloak-admin.js';
import { USER_USAGE } from '../usage.js';

/** `mcpgw user create|list|delete`: people in the configured Keycloak realm. */
export async function userCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        'first-name': { type: 'string' },
        'last-name': { type: 'string' },
        group: { type: 'string', multiple: true },
        search: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw user',
  );
  if (values.help) {
    io.stdout.write(USER_USAGE);
    return 0;
  }
  const [subcommand, username, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw user');
  switch (subcommand) {
    case 'create': {
      if (!username) throw usageError('user create takes USERNAME', 'mcpgw user');
      // The password is read from the environment, never from the command line where `ps` shows it.
      const password = io.env.MCPGW_NEW_USER_PASSWORD || undefined;
      const groups = (values.group ?? []).flatMap((group) => commaList(group));
      const user = await withKeycloakAdmin(io.env, (admin) =>
        admin.createUser({
          username,
          groups,
          ...(values.email ? { email: values.email } : {}),
          ...(values['first-name'] ? { firstName: values['first-name'] } : {}),
          ...(values['last-name'] ? { lastName: values['last-name'] } : {}),
          ...(password ? { password } : {}),
        }),
      );
      printJson(io, { id: user.id, username: user.username, email: user.email, groups, temporary_password: password !== undefined });
      return 0;
    }
    case 'list': {
      if (username !== undefined) throw usageError('user list takes no USERNAME (use --search TEXT)', 'mcpgw user');
      const users = await withKeycloakAdmin(io.env, async (admin) => {
        const found = await admin.listUsers(values.search);
        return Promise.all(found.map(async (user) => ({ id: user.id, username: user.username, email: user.email, enabled: user.enabled ?? true, groups: (await admin.groupsOfUser(user.id)).map((group) => group.name) })));
      });
      printJson(io, { users });
      return 0;
    }
    case 'delete':
      if (!username) throw usageError('user delete takes USERNAME', 'mcpgw user');
      await withKeycloakAdmin(io.env, (admin) => admin.deleteUser(username));
      printJson(io, { deleted: username });
      return 0;
    default:
      throw usageError(subcommand === undefined ? 'missing subcommand: create, list or delete' : `unknown subcommand "user ${subcommand}"`, 'mcpgw user');
  }
}
