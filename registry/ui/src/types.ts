/** A server as GET /api/servers answers it (the registry's server entry format). */
export interface ServerEntry {
  server_name: string;
  path: string;
  proxy_pass_url: string;
  description: string;
  tags: string[];
  supported_transports: string[];
  enabled: boolean;
  visibility: string;
  allowed_groups?: string[];
  timeout_seconds?: number;
  source: string;
  federated_from?: string;
  revision: number;
  [field: string]: unknown;
}

export type ActionGrant = 'all' | string[];

/** GET /api/me. */
export interface Me {
  user: string;
  username: string;
  groups: string[];
  scopes: string[];
  auth_method: string;
  actions: Partial<Record<string, ActionGrant>>;
}

/** Whether `me` may do `action` on `path` (or anywhere, without a path); the API decides in the end. */
export function may(me: Me | undefined, action: string, path?: string): boolean {
  const grant = me?.actions[action];
  if (grant === undefined) return false;
  if (grant === 'all') return true;
  return path === undefined ? grant.length > 0 : grant.includes(path);
}
