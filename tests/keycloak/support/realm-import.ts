import { readFileSync } from 'node:fs';

export const REALM_FILE = new URL('../../../config/keycloak/mcp-gateway-realm.json', import.meta.url);

export interface RealmClient {
  clientId: string;
  publicClient?: boolean;
  secret?: string;
  standardFlowEnabled?: boolean;
  implicitFlowEnabled?: boolean;
  directAccessGrantsEnabled?: boolean;
  serviceAccountsEnabled?: boolean;
  redirectUris?: string[];
  attributes?: Record<string, string>;
  defaultClientScopes?: string[];
}
export interface RealmMapper {
  name: string;
  protocolMapper: string;
  config: Record<string, string>;
}
export interface RealmUser {
  username: string;
  serviceAccountClientId?: string;
  groups?: string[];
  credentials?: Array<{ type: string; value: string; temporary?: boolean }>;
  clientRoles?: Record<string, string[]>;
}
export interface Realm {
  realm: string;
  groups: Array<{ name: string; path: string }>;
  clientScopes: Array<{ name: string; protocolMappers: RealmMapper[] }>;
  clients: RealmClient[];
  users: RealmUser[];
}

export function loadRealm(): Realm {
  return JSON.parse(readFileSync(REALM_FILE, 'utf8')) as Realm;
}

export function realmClient(realm: Realm, clientId: string): RealmClient {
  const client = realm.clients.find((candidate) => candidate.clientId === clientId);
  if (!client) throw new Error(`the realm import has no client ${clientId}`);
  return client;
}

/** The mappers a client's tokens get through its default client scopes. */
export function mappersOf(realm: Realm, client: RealmClient): RealmMapper[] {
  return realm.clientScopes.filter((scope) => client.defaultClientScopes?.includes(scope.name)).flatMap((scope) => scope.protocolMappers);
}

/** The group names (not paths) of a client's service account. */
export function serviceAccountGroups(realm: Realm, clientId: string): string[] {
  const user = realm.users.find((candidate) => candidate.serviceAccountClientId === clientId);
  return (user?.groups ?? []).map((group) => group.replace(/^\//, ''));
}
