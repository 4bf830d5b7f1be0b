import type { z } from 'zod';
import { KeycloakAdminError } from './keycloak-admin-error.js';
import type { KeycloakAdminSettings } from './keycloak-admin-settings.js';
import { clientSchema, groupSchema, secretSchema, userSchema, type KeycloakClient, type KeycloakGroup, type KeycloakUser } from './keycloak-representations.js';
import { requestRealmToken, type RealmToken } from './request-realm-token.js';

export interface NewUser {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Set as a temporary password: the person chooses their own at first login. */
  password?: string;
  groups: readonly string[];
}

export interface AgentAccount {
  agentId: string;
  clientId: string;
  clientSecret: string;
  groups: string[];
}

/** Agents' service accounts are realm clients named agent-<id>. */
export const AGENT_CLIENT_PREFIX = 'agent-';
const AGENT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Refresh the admin token this long before it expires. */
const TOKEN_MARGIN_SECONDS = 30;

/**
 * The few Keycloak admin REST operations user, group and agent management needs, each a documented
 * endpoint under /admin/realms/{realm}. Answers are checked against the representations they should be.
 */
export class KeycloakAdminClient {
  private token: RealmToken | undefined;
  private readonly adminBase: string;

  constructor(private readonly settings: KeycloakAdminSettings) {
    this.adminBase = `${settings.baseUrl}/admin/realms/${encodeURIComponent(settings.realm)}`;
  }

  async listUsers(search?: string): Promise<KeycloakUser[]> {
    const query = new URLSearchParams({ max: '1000', briefRepresentation: 'true', ...(search ? { search } : {}) });
    return this.get(`/users?${query}`, userSchema.array());
  }

  async findUser(username: string): Promise<KeycloakUser | undefined> {
    const users = await this.get(`/users?${new URLSearchParams({ username, exact: 'true' })}`, userSchema.array());
    return users.find((user) => user.username === username.toLowerCase() || user.username === username);
  }

  async createUser(user: NewUser): Promise<KeycloakUser> {
    const groups = await this.requireGroups(user.groups);
    const id = await this.create('/users', {
      username: user.username,
      enabled: true,
      ...(user.email ? { email: user.email, emailVerified: false } : {}),
      ...(user.firstName ? { firstName: user.firstName } : {}),
      ...(user.lastName ? { lastName: user.lastName } : {}),
      ...(user.password ? { credentials: [{ type: 'password', value: user.password, temporary: true }] } : {}),
    }, `user ${user.username}`);
    for (const group of groups) await this.send('PUT', `/users/${id}/groups/${group.id}`);
    return this.get(`/users/${id}`, userSchema);
  }

  async deleteUser(username: string): Promise<void> {
    const user = await this.findUser(username);
    if (user === undefined) throw notFound(`user ${username}`);
    await this.send('DELETE', `/users/${user.id}`);
  }

  async groupsOfUser(userId: string): Promise<KeycloakGroup[]> {
    return this.get(`/users/${userId}/groups`, groupSchema.array());
  }

  async listGroups(): Promise<KeycloakGroup[]> {
    return this.get('/groups?max=1000', groupSchema.array());
  }

  async findGroup(name: string): Promise<KeycloakGroup | undefined> {
    const groups = await this.get(`/groups?${new URLSearchParams({ search: name, exact: 'true' })}`, groupSchema.array());
    return groups.find((group) => group.name === name);
  }

  async createGroup(name: string): Promise<KeycloakGroup> {
    const id = await this.create('/groups', { name }, `group ${name}`);
    return this.get(`/groups/${id}`, groupSchema);
  }

  async deleteGroup(name: string): Promise<void> {
    const group = await this.findGroup(name);
    if (group === undefined) throw notFound(`group ${name}`);
    await this.send('DELETE', `/groups/${group.id}`);
  }

  /** A confidential client with only a service account, in the given groups, and its secret. */
  async createAgentAccount(agentId: string, groupNames: readonly string[]): Promise<AgentAccount> {
    if (!AGENT_ID.test(agentId)) {
      throw new KeycloakAdminError('KEYCLOAK_INVALID_REQUEST', `agent id ${JSON.stringify(agentId)} must be 1-63 lower-case letters, digits, '.', '_' or '-'`);
    }
    const groups = await this.requireGroups(groupNames);
    const clientId = `${AGENT_CLIENT_PREFIX}${agentId}`;
    const id = await this.create('/clients', {
      clientId,
      name: `Agent ${agentId}`,
      description: 'Agent service account created by mcpgw agent-account create',
      enabled: true,
      protocol: 'openid-connect',
      publicClient: false,
      clientAuthenticatorType: 'client-secret',
      standardFlowEnabled: false,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
      serviceAccountsEnabled: true,
      defaultClientScopes: ['mcp-gateway'],
    }, `agent account ${agentId}`);
    const serviceAccount = await this.get(`/clients/${id}/service-account-user`, userSchema);
    for (const group of groups) await this.send('PUT', `/users/${serviceAccount.id}/groups/${group.id}`);
    const secret = await this.get(`/clients/${id}/client-secret`, secretSchema);
    return { agentId, clientId, clientSecret: secret.value, groups: groups.map((group) => group.name) };
  }

  async listAgentAccounts(): Promise<KeycloakClient[]> {
    const clients = await this.get(`/clients?${new URLSearchParams({ clientId: AGENT_CLIENT_PREFIX, search: 'true', max: '1000' })}`, clientSchema.array());
    return clients.filter((client) => client.clientId.startsWith(AGENT_CLIENT_PREFIX));
  }

  async deleteAgentAccount(agentId: string): Promise<void> {
    const clientId = `${AGENT_CLIENT_PREFIX}${agentId}`;
    const clients = await this.get(`/clients?${new URLSearchParams({ clientId })}`, clientSchema.array());
    const client = clients.find((candidate) => candidate.clientId === clientId);
    if (client === undefined) throw notFound(`agent account ${agentId}`);
    await this.send('DELETE', `/clients/${client.id}`);
  }

  private async requireGroups(names: readonly string[]): Promise<KeycloakGroup[]> {
    const groups: KeycloakGroup[] = [];
    for (const name of names) {
      const group = await this.findGroup(name);
      if (group === undefined) throw notFound(`group ${name}`, `create it first (mcpgw group create ${name})`);
      groups.push(group);
    }
    return groups;
  }

  /** POST that answers 201 with the new item's id at the end of Location. */
  private async create(path: string, body: unknown, what: string): Promise<string> {
    const response = await this.send('POST', path, body, what);
    const id = response.headers.get('location')?.split('/').pop();
    if (!id) throw new KeycloakAdminError('KEYCLOAK_FAILED', `Keycloak created ${what} but gave no Location header; is KEYCLOAK_URL a Keycloak server?`);
    return decodeURIComponent(id);
  }

  private async get<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
    const response = await this.send('GET', path);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new KeycloakAdminError('KEYCLOAK_FAILED', `GET ${path.split('?')[0]} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}; is KEYCLOAK_URL a Keycloak server?`);
    }
    return parsed.data;
  }

  private async send(method: string, path: string, body?: unknown, what?: string): Promise<Response> {
    const url = `${this.adminBase}${path}`;
    const attempt = async (): Promise<Response> => {
      try {
        return await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${await this.accessToken()}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.settings.timeoutMs),
        });
      } catch (error) {
        if (error instanceof KeycloakAdminError) throw error;
        throw new KeycloakAdminError('KEYCLOAK_UNREACHABLE', `cannot reach Keycloak at ${this.settings.baseUrl} (${(error as Error).message}); is KEYCLOAK_URL right and Keycloak up?`, { cause: error });
      }
    };
    let response = await attempt();
    if (response.status === 401) {
      // The admin token may have been revoked or the server restarted: one fresh token, one retry.
      this.token = undefined;
      response = await attempt();
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    const detail = keycloakMessage(text);
    const label = `${method} ${path.split('?')[0]}`;
    switch (response.status) {
      case 401:
      case 403:
        throw new KeycloakAdminError('KEYCLOAK_REFUSED', `Keycloak refused ${label} (HTTP ${response.status}); the admin client needs the realm-management roles manage-users, view-users, query-groups, manage-clients and view-clients`, { status: response.status });
      case 404:
        throw notFound(what ?? label);
      case 409:
        throw new KeycloakAdminError('KEYCLOAK_CONFLICT', `${what ?? label} already exists${detail ? ` (${detail})` : ''}`, { status: 409 });
      case 400:
        throw new KeycloakAdminError('KEYCLOAK_INVALID_REQUEST', `Keycloak refused ${label} as invalid${detail ? `: ${detail}` : ''}`, { status: 400 });
      default:
        throw new KeycloakAdminError('KEYCLOAK_FAILED', `${label} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`, { status: response.status });
    }
  }

  private async accessToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    if (this.token && (this.token.expiresAt === undefined || this.token.expiresAt - TOKEN_MARGIN_SECONDS > now)) return this.token.accessToken;
    const { baseUrl, realm, credentials, timeoutMs } = this.settings;
    this.token =
      credentials.kind === 'client'
        ? await requestRealmToken(baseUrl, realm, { grant: 'client_credentials', clientId: credentials.clientId, clientSecret: credentials.clientSecret }, timeoutMs)
        : await requestRealmToken(baseUrl, 'master', { grant: 'password', clientId: 'admin-cli', username: credentials.username, password: credentials.password }, timeoutMs);
    return this.token.accessToken;
  }
}

function notFound(what: string, hint = 'check the name (mcpgw user list, group list, agent-account list)'): KeycloakAdminError {
  return new KeycloakAdminError('KEYCLOAK_NOT_FOUND', `no ${what} in Keycloak; ${hint}`, { status: 404 });
}

/** Keycloak's error bodies: `{"errorMessage": …}` or `{"error": …, "error_description": …}`. */
function keycloakMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const message = body.errorMessage ?? body.error_description ?? body.error;
    return typeof message === 'string' ? message.slice(0, 300) : '';
  } catch {
    return text.slice(0, 300);
  }
}
