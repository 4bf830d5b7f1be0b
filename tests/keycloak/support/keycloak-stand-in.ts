import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express, { type Request, type Response } from 'express';
import { listen } from '@mcpgw/lib/http/listen.js';

/**
 * Keycloak cannot be installed on the machines the tests run on, so the admin-API client is tested
 * against this stand-in. It implements exactly the endpoints the client uses, with the request and
 * response shapes of Keycloak's Admin REST API documentation (UserRepresentation, GroupRepresentation,
 * ClientRepresentation, CredentialRepresentation; 201 + Location on create, 204 on update and delete,
 * 409 `{"errorMessage": …}` on duplicates, 401 without a valid bearer token), and the realm token
 * endpoint's client_credentials and password grants. Agents' tokens are opaque strings here: what they
 * grant is tested against a real OpenID provider elsewhere.
 */
export interface KeycloakStandIn {
  url: string;
  realm: string;
  /** Every request to /admin, as `METHOD /path`. */
  adminRequests: string[];
  /** Token requests per client id. */
  tokenRequests: Map<string, number>;
  /** Ends every admin token now (the next admin call gets 401 once). */
  revokeAdminTokens(): void;
  users(): Array<{ username: string; groups: string[]; temporaryPassword: boolean }>;
  clients(): Array<{ clientId: string; serviceAccountGroups: string[] }>;
  close(): Promise<void>;
}

export interface StandInOptions {
  realm: string;
  groups: string[];
  admin: { clientId: string; clientSecret: string };
  master?: { username: string; password: string };
  /** expires_in of the tokens it issues, seconds (default 300). */
  tokenLifetime?: number;
}

interface User {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled: boolean;
  createdTimestamp: number;
  groupIds: Set<string>;
  temporaryPassword: boolean;
  serviceAccountClientId?: string;
}
interface Group {
  id: string;
  name: string;
}
interface Client {
  id: string;
  clientId: string;
  secret: string;
  serviceAccountsEnabled: boolean;
  description?: string;
  enabled: boolean;
}

export async function startKeycloakStandIn(options: StandInOptions): Promise<KeycloakStandIn> {
  const users = new Map<string, User>();
  const groups = new Map<string, Group>();
  const clients = new Map<string, Client>();
  const adminTokens = new Set<string>();
  const adminRequests: string[] = [];
  const tokenRequests = new Map<string, number>();
  for (const name of options.groups) {
    const id = randomUUID();
    groups.set(id, { id, name });
  }
  const adminClient: Client = { id: randomUUID(), clientId: options.admin.clientId, secret: options.admin.clientSecret, serviceAccountsEnabled: true, enabled: true };
  clients.set(adminClient.id, adminClient);

  const app = express();
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));

  app.post('/realms/:realm/protocol/openid-connect/token', (request, response) => {
    const realm = request.params.realm;
    const body = request.body as Record<string, string>;
    const [clientId, clientSecret] = basicCredentials(request) ?? [body.client_id, body.client_secret];
    tokenRequests.set(String(clientId), (tokenRequests.get(String(clientId)) ?? 0) + 1);
    const refuse = (status: number, error: string, description: string) => response.status(status).json({ error, error_description: description });
    if (body.grant_type === 'password') {
      if (realm !== 'master' || clientId !== 'admin-cli' || !options.master) return refuse(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
      if (body.username !== options.master.username || body.password !== options.master.password) return refuse(401, 'invalid_grant', 'Invalid user credentials');
      return issue(response, true);
    }
    if (body.grant_type !== 'client_credentials') return refuse(400, 'unsupported_grant_type', 'Unsupported grant_type');
    if (realm !== options.realm) return refuse(404, 'realm_not_found', 'Realm does not exist');
    const client = [...clients.values()].find((candidate) => candidate.clientId === clientId);
    if (!client || client.secret !== clientSecret) return refuse(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');
    if (!client.serviceAccountsEnabled) return refuse(400, 'unauthorized_client', 'Client not enabled to retrieve service account');
    return issue(response, client === adminClient);
  });

  function issue(response: Response, admin: boolean): void {
    const token = randomBytes(24).toString('base64url');
    if (admin) adminTokens.add(token);
    response.json({ access_token: token, expires_in: options.tokenLifetime ?? 300, token_type: 'Bearer', scope: 'profile email' });
  }

  const admin = express.Router();
  app.use(`/admin/realms/${options.realm}`, (request, response, next) => {
    adminRequests.push(`${request.method} ${request.path}`);
    const token = request.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    if (!token || !adminTokens.has(token)) {
      response.status(401).json({ error: 'HTTP 401 Unauthorized' });
      return;
    }
    next();
  }, admin);

  const userJson = (user: User) => ({
    id: user.id,
    username: user.username,
    ...(user.email ? { email: user.email } : {}),
    ...(user.firstName ? { firstName: user.firstName } : {}),
    ...(user.lastName ? { lastName: user.lastName } : {}),
    enabled: user.enabled,
    emailVerified: false,
    createdTimestamp: user.createdTimestamp,
    totp: false,
  });
  const groupJson = (group: Group) => ({ id: group.id, name: group.name, path: `/${group.name}`, subGroupCount: 0, subGroups: [] });
  const clientJson = (client: Client) => ({
    id: client.id,
    clientId: client.clientId,
    ...(client.description ? { description: client.description } : {}),
    enabled: client.enabled,
    publicClient: false,
    serviceAccountsEnabled: client.serviceAccountsEnabled,
    protocol: 'openid-connect',
  });
  const created = (request: Request, response: Response, id: string) => {
    response.status(201).location(`${request.protocol}://${request.get('host')}${request.baseUrl}${request.path}/${id}`).end();
  };
  const param = (request: Request, name: string) => String(request.params[name]);

  admin.get('/users', (request, response) => {
    const { username, exact, search } = request.query as Record<string, string | undefined>;
    let found = [...users.values()].filter((user) => user.serviceAccountClientId === undefined);
    if (username !== undefined) {
      const wanted = username.toLowerCase();
      found = found.filter((user) => (exact === 'true' ? user.username === wanted : user.username.includes(wanted)));
    }
    if (search) found = found.filter((user) => user.username.includes(search.toLowerCase()) || (user.email ?? '').includes(search));
    response.json(found.map(userJson));
  });
  admin.post('/users', (request, response) => {
    const body = request.body as Record<string, unknown>;
    if (typeof body.username !== 'string' || body.username === '') return void response.status(400).json({ errorMessage: 'User name is missing' });
    const username = body.username.toLowerCase();
    if ([...users.values()].some((user) => user.username === username)) return void response.status(409).json({ errorMessage: 'User exists with same username' });
    const id = randomUUID();
    const credentials = Array.isArray(body.credentials) ? (body.credentials as Array<{ temporary?: boolean }>) : [];
    users.set(id, {
      id,
      username,
      ...(typeof body.email === 'string' ? { email: body.email } : {}),
      ...(typeof body.firstName === 'string' ? { firstName: body.firstName } : {}),
      ...(typeof body.lastName === 'string' ? { lastName: body.lastName } : {}),
      enabled: body.enabled !== false,
      createdTimestamp: Date.now(),
      groupIds: new Set(),
      temporaryPassword: credentials.some((credential) => credential.temporary === true),
    });
    created(request, response, id);
  });
  admin.get('/users/:id', (request, response) => {
    const user = users.get(param(request, 'id'));
    if (!user) return void response.status(404).json({ error: 'User not found' });
    response.json(userJson(user));
  });
  admin.delete('/users/:id', (request, response) => {
    if (!users.delete(param(request, 'id'))) return void response.status(404).json({ error: 'User not found' });
    response.status(204).end();
  });
  admin.get('/users/:id/groups', (request, response) => {
    const user = users.get(param(request, 'id'));
    if (!user) return void response.status(404).json({ error: 'User not found' });
    response.json([...user.groupIds].map((id) => groups.get(id)).filter((group): group is Group => group !== undefined).map(groupJson));
  });
  admin.put('/users/:id/groups/:groupId', (request, response) => {
    const user = users.get(param(request, 'id'));
    if (!user) return void response.status(404).json({ error: 'User not found' });
    if (!groups.has(param(request, 'groupId'))) return void response.status(404).json({ error: 'Group not found' });
    user.groupIds.add(param(request, 'groupId'));
    response.status(204).end();
  });

  admin.get('/groups', (request, response) => {
    const { search, exact } = request.query as Record<string, string | undefined>;
    let found = [...groups.values()];
    if (search) found = found.filter((group) => (exact === 'true' ? group.name === search : group.name.toLowerCase().includes(search.toLowerCase())));
    response.json(found.map(groupJson));
  });
  admin.post('/groups', (request, response) => {
    const name = (request.body as { name?: unknown }).name;
    if (typeof name !== 'string' || name === '') return void response.status(400).json({ errorMessage: 'Group name is missing' });
    if ([...groups.values()].some((group) => group.name === name)) return void response.status(409).json({ errorMessage: `Top level group named '${name}' already exists.` });
    const id = randomUUID();
    groups.set(id, { id, name });
    created(request, response, id);
  });
  admin.get('/groups/:id', (request, response) => {
    const group = groups.get(param(request, 'id'));
    if (!group) return void response.status(404).json({ error: 'Could not find group by id' });
    response.json(groupJson(group));
  });
  admin.delete('/groups/:id', (request, response) => {
    const id = param(request, 'id');
    if (!groups.delete(id)) return void response.status(404).json({ error: 'Could not find group by id' });
    for (const user of users.values()) user.groupIds.delete(id);
    response.status(204).end();
  });

  admin.get('/clients', (request, response) => {
    const { clientId, search } = request.query as Record<string, string | undefined>;
    let found = [...clients.values()];
    if (clientId !== undefined) found = found.filter((client) => (search === 'true' ? client.clientId.includes(clientId) : client.clientId === clientId));
    response.json(found.map(clientJson));
  });
  admin.post('/clients', (request, response) => {
    const body = request.body as Record<string, unknown>;
    if (typeof body.clientId !== 'string' || body.clientId === '') return void response.status(400).json({ errorMessage: 'Client id is missing' });
    if ([...clients.values()].some((client) => client.clientId === body.clientId)) {
      return void response.status(409).json({ errorMessage: `Client ${body.clientId} already exists` });
    }
    const client: Client = {
      id: randomUUID(),
      clientId: body.clientId,
      secret: randomBytes(24).toString('base64url'),
      serviceAccountsEnabled: body.serviceAccountsEnabled === true,
      enabled: body.enabled !== false,
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
    };
    clients.set(client.id, client);
    if (client.serviceAccountsEnabled) {
      const id = randomUUID();
      users.set(id, { id, username: `service-account-${client.clientId}`, enabled: true, createdTimestamp: Date.now(), groupIds: new Set(), temporaryPassword: false, serviceAccountClientId: client.clientId });
    }
    created(request, response, client.id);
  });
  admin.get('/clients/:id/service-account-user', (request, response) => {
    const client = clients.get(param(request, 'id'));
    const user = client && [...users.values()].find((candidate) => candidate.serviceAccountClientId === client.clientId);
    if (!user) return void response.status(400).json({ error: 'Service account not enabled for the client' });
    response.json(userJson(user));
  });
  admin.get('/clients/:id/client-secret', (request, response) => {
    const client = clients.get(param(request, 'id'));
    if (!client) return void response.status(404).json({ error: 'Could not find client' });
    response.json({ type: 'secret', value: client.secret });
  });
  admin.delete('/clients/:id', (request, response) => {
    const client = clients.get(param(request, 'id'));
    if (!client) return void response.status(404).json({ error: 'Could not find client' });
    clients.delete(client.id);
    for (const [id, user] of users) if (user.serviceAccountClientId === client.clientId) users.delete(id);
    response.status(204).end();
  });

  const running = await listen(createServer(app), 0, '127.0.0.1');
  const groupName = (id: string) => groups.get(id)?.name ?? '?';
  return {
    url: running.url,
    realm: options.realm,
    adminRequests,
    tokenRequests,
    revokeAdminTokens: () => adminTokens.clear(),
    users: () => [...users.values()].filter((user) => user.serviceAccountClientId === undefined).map((user) => ({ username: user.username, groups: [...user.groupIds].map(groupName), temporaryPassword: user.temporaryPassword })),
    clients: () =>
      [...clients.values()].map((client) => ({
        clientId: client.clientId,
        serviceAccountGroups: [...([...users.values()].find((user) => user.serviceAccountClientId === client.clientId)?.groupIds ?? [])].map(groupName),
      })),
    close: running.close,
  };
}

function basicCredentials(request: Request): [string, string] | undefined {
  const encoded = request.headers.authorization?.match(/^Basic (.+)$/)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
}
