import { keycloakAdminSettingsFromEnv } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { printJson, type CliIo } from '../cli-io.js';
import { commaList, parseOptions, usageError } from '../parse-options.js';
import { saveAgentFile } from '../keycloak/agent-credentials.js';
import { asCliError, withKeycloakAdmin } from '../keycloak/with-keycloak-admin.js';
import { AGENT_ACCOUNT_USAGE } from '../usage.js';

/** `mcpgw agent-account create|list|delete`: agents' service accounts (client credentials) in Keycloak. */
export async function agentAccountCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        'agent-id': { type: 'string' },
        group: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'mcpgw agent-account',
  );
  if (values.help) {
    io.stdout.write(AGENT_ACCOUNT_USAGE);
    return 0;
  }
  const [subcommand, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`unexpected argument ${JSON.stringify(rest[0])}`, 'mcpgw agent-account');
  const agentId = values['agent-id']?.trim();
  switch (subcommand) {
    case 'create': {
      if (!agentId) throw usageError('--agent-id NAME is required', 'mcpgw agent-account');
      const groups = (values.group ?? []).flatMap((group) => commaList(group));
      const settings = (() => {
        try {
          return keycloakAdminSettingsFromEnv(io.env);
        } catch (error) {
          throw asCliError(error);
        }
      })();
      const account = await withKeycloakAdmin(io.env, (admin) => admin.createAgentAccount(agentId, groups));
      const file = await saveAgentFile(io.env, {
        agent_id: account.agentId,
        client_id: account.clientId,
        client_secret: account.clientSecret,
        keycloak_url: settings.baseUrl,
        realm: settings.realm,
        groups: account.groups,
      });
      printJson(io, { agent_id: account.agentId, client_id: account.clientId, groups: account.groups, credentials_file: file });
      return 0;
    }
    case 'list':
      printJson(io, {
        agents: (await withKeycloakAdmin(io.env, (admin) => admin.listAgentAccounts())).map((client) => ({
          client_id: client.clientId,
          enabled: client.enabled ?? true,
        })),
      });
      return 0;
    case 'delete':
      if (!agentId) throw usageError('--agent-id NAME is required', 'mcpgw agent-account');
      await withKeycloakAdmin(io.env, (admin) => admin.deleteAgentAccount(agentId));
      printJson(io, { deleted: agentId });
      return 0;
    default:
      throw usageError(subcommand === undefined ? 'missing subcommand: create, list or delete' : `unknown subcommand "agent-account ${subcommand}"`, 'mcpgw agent-account');
  }
}
