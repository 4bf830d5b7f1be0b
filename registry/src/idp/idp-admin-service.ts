import { z } from 'zod';
import { KeycloakAdminClient } from '@mcpgw/lib/keycloak/keycloak-admin-client.js';
import { KeycloakAdminError } from '@mcpgw/lib/keycloak/keycloak-admin-error.js';
import type { KeycloakAdminSettings } from '@mcpgw/lib/keycloak/keycloak-admin-settings.js';
import { RegistryError, type RegistryErrorCode } from '../errors/registry-error.js';
import type { ScopesService } from '../services/scopes/scopes-service.js';
import { parseGroupPut } from '../services/scopes/parse-scopes-request.js';

const nameList = z.array(z.string().trim().min(1)).max(50).default([]);
export const newUserSchema = z.strictObject({
  username: z.string().trim().min(1).max(255),
  email: z.email().optional(),
  first_name: z.string().max(255).optional(),
  last_name: z.string().max(255).optional(),
  groups: nameList,
  temporary_password: z.string().min(8).max(256).optional(),
});
export const newGroupSchema = z.strictObject({ name: z.string().trim().min(1).max(255), scopes: nameList });
export const newAgentSchema = z.strictObject({ agent_id: z.string().trim().min(1).max(63), groups: nameList });

export interface IdpAdminService {
  listUsers(search?: string): Promise<Array<{ id: string; username: string; email?: string; enabled: boolean; groups: string[] }>>;
  createUser(user: z.infer<typeof newUserSchema>): Promise<{ id: string; username: string }>;
  deleteUser(username: string): Promise<void>;
  listGroups(): Promise<Array<{ id: string; name: string }>>;
  /** Creates the group and, with scopes, maps it in scopes.yml in the same step (the group is removed again when the mapping is refused). */
  createGroup(group: z.infer<typeof newGroupSchema>, author: string): Promise<{ id: string; name: string; mapped_scopes?: string[] }>;
  deleteGroup(name: string, unmap: boolean, author: string): Promise<void>;
  listAgentAccounts(): Promise<Array<{ client_id: string; enabled: boolean }>>;
  createAgentAccount(agent: z.infer<typeof newAgentSchema>): Promise<{ agent_id: string; client_id: string; client_secret: string; groups: string[] }>;
  deleteAgentAccount(agentId: string): Promise<void>;
}

const STATUS: Record<KeycloakAdminError['code'], [RegistryErrorCode, number]> = {
  KEYCLOAK_NOT_CONFIGURED: ['REGISTRY_IDP_NOT_CONFIGURED', 503],
  KEYCLOAK_UNREACHABLE: ['REGISTRY_IDP_UNAVAILABLE', 502],
  KEYCLOAK_REFUSED: ['REGISTRY_IDP_UNAVAILABLE', 502],
  KEYCLOAK_FAILED: ['REGISTRY_IDP_UNAVAILABLE', 502],
  KEYCLOAK_NOT_FOUND: ['REGISTRY_IDP_NOT_FOUND', 404],
  KEYCLOAK_CONFLICT: ['REGISTRY_IDP_CONFLICT', 409],
  KEYCLOAK_INVALID_REQUEST: ['REGISTRY_IDP_INVALID', 400],
};

/** People, groups and agent accounts in the identity provider (Keycloak's admin API), for administrators. */
export function createIdpAdminService(settings: KeycloakAdminSettings, scopesEditor: ScopesService): IdpAdminService {
  const admin = new KeycloakAdminClient(settings);
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof KeycloakAdminError)) throw error;
      const [code, status] = STATUS[error.code];
      throw new RegistryError(code, status, `the identity provider: ${error.message}`, { cause: error });
    }
  };
  return {
    listUsers: (search) =>
      call(async () => {
        const users = await admin.listUsers(search);
        return Promise.all(
          users.map(async (user) => ({
            id: user.id,
            username: user.username,
            ...(user.email ? { email: user.email } : {}),
            enabled: user.enabled ?? true,
            groups: (await admin.groupsOfUser(user.id)).map((group) => group.name),
          })),
        );
      }),
    createUser: (user) =>
      call(async () => {
        const created = await admin.createUser({
          username: user.username,
          groups: user.groups,
          ...(user.email ? { email: user.email } : {}),
          ...(user.first_name ? { firstName: user.first_name } : {}),
          ...(user.last_name ? { lastName: user.last_name } : {}),
          ...(user.temporary_password ? { password: user.temporary_password } : {}),
        });
        return { id: created.id, username: created.username };
      }),
    deleteUser: (username) => call(() => admin.deleteUser(username)),
    listGroups: () => call(async () => (await admin.listGroups()).map((group) => ({ id: group.id, name: group.name }))),
    createGroup: async (group, author) => {
      // Validated before anything is created, with the same parser as PUT /api/scopes/groups/{name}.
      const mapping = group.scopes.length > 0 ? parseGroupPut(group.name, { scopes: group.scopes }) : undefined;
      const created = await call(() => admin.createGroup(group.name));
      if (mapping === undefined) return { id: created.id, name: created.name };
      try {
        await scopesEditor.edit(mapping.change, { author, action: `POST /api/idp/groups ${group.name}` });
      } catch (error) {
        await call(() => admin.deleteGroup(group.name));
        throw error;
      }
      return { id: created.id, name: created.name, mapped_scopes: group.scopes };
    },
    deleteGroup: async (name, unmap, author) => {
      await call(() => admin.deleteGroup(name));
      if (!unmap) return;
      try {
        await scopesEditor.edit({ kind: 'delete-group', group: name }, { author, action: `DELETE /api/idp/groups/${name}` });
      } catch (error) {
        if (!(error instanceof RegistryError && error.code === 'REGISTRY_SCOPES_NOT_FOUND')) throw error;
      }
    },
    listAgentAccounts: () => call(async () => (await admin.listAgentAccounts()).map((client) => ({ client_id: client.clientId, enabled: client.enabled ?? true }))),
    createAgentAccount: (agent) =>
      call(async () => {
        const account = await admin.createAgentAccount(agent.agent_id, agent.groups);
        return { agent_id: account.agentId, client_id: account.clientId, client_secret: account.clientSecret, groups: account.groups };
      }),
    deleteAgentAccount: (agentId) => call(() => admin.deleteAgentAccount(agentId)),
  };
}
