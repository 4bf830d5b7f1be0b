/**
 * The shapes of the MCP Registry API (../shared/specs/mcp-registry/openapi.yaml, version 2025-12-01)
 * that this registry answers with; server entries follow server.schema.json of 2025-12-11.
 */
export const SERVER_SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const MCP_REGISTRY_API_VERSION = '2025-12-01';
export const OFFICIAL_META_KEY = 'io.modelcontextprotocol.registry/official';
export const PUBLISHER_META_KEY = 'io.modelcontextprotocol.registry/publisher-provided';

export type ServerStatus = 'active' | 'deprecated' | 'deleted';

export interface InputField {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  value?: string;
}

export interface KeyValueInput extends InputField {
  name: string;
  variables?: Record<string, InputField>;
}

export interface RemoteTransport {
  type: 'streamable-http' | 'sse';
  url: string;
  headers?: KeyValueInput[];
}

export interface ServerDetail {
  $schema: string;
  name: string;
  description: string;
  title: string;
  version: string;
  remotes?: RemoteTransport[];
  _meta?: Record<string, Record<string, unknown>>;
}

export interface OfficialMeta {
  status: ServerStatus;
  statusMessage?: string;
  publishedAt: string;
  updatedAt: string;
  isLatest: boolean;
}

export interface ServerResponse {
  server: ServerDetail;
  _meta: { [OFFICIAL_META_KEY]: OfficialMeta };
}

export interface ServerList {
  servers: ServerResponse[];
  metadata: { count: number; nextCursor?: string };
}
