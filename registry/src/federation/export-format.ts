import { z } from 'zod';
import type { StoredServer } from '../store/server-repository.js';

/**
 * The wire format of GET /api/federation/servers, owned here for both sides. Fields are listed one
 * by one: metadata, provenance and anything internal never leave the registry.
 */
export interface ExportedServer {
  path: string;
  server_name: string;
  description: string;
  proxy_pass_url: string;
  supported_transports: string[];
  tags: string[];
  enabled: boolean;
  license?: string;
  tool_list?: unknown[];
  mcp_endpoint?: string;
  sse_endpoint?: string;
  visibility: 'public' | 'group-restricted';
  allowed_groups?: string[];
  timeout_seconds?: number;
  revision: number;
  updated_at: string;
}

export interface ExportPage {
  servers: ExportedServer[];
  /** Paths gone (deleted, or no longer exported to this caller) since `since`. */
  removed: string[];
  since: number;
  /** Pass as `since` for the next page, or the next incremental pull. */
  next_since: number;
  has_more: boolean;
}

export interface AgentExportPage {
  agents: unknown[];
  removed: string[];
  since: number;
  next_since: number;
  has_more: boolean;
}

export function toExportedServer(server: StoredServer): ExportedServer {
  return {
    path: server.path,
    server_name: server.serverName,
    description: server.description,
    proxy_pass_url: server.proxyPassUrl,
    supported_transports: server.supportedTransports,
    tags: server.tags,
    enabled: server.enabled,
    ...(server.license === null ? {} : { license: server.license }),
    ...(server.toolList === null ? {} : { tool_list: server.toolList }),
    ...(server.mcpEndpoint === null ? {} : { mcp_endpoint: server.mcpEndpoint }),
    ...(server.sseEndpoint === null ? {} : { sse_endpoint: server.sseEndpoint }),
    visibility: server.visibility === 'group-restricted' ? 'group-restricted' : 'public',
    ...(server.visibility === 'group-restricted' ? { allowed_groups: server.allowedGroups } : {}),
    ...(server.timeoutSeconds === null ? {} : { timeout_seconds: server.timeoutSeconds }),
    revision: server.revision,
    updated_at: server.updatedAt,
  };
}

/** An export page as an importer reads it; each server is checked again, one by one, when applied. */
export const exportPageSchema = z.object({
  servers: z.array(z.looseObject({ path: z.string(), revision: z.number().int().min(0) })),
  removed: z.array(z.string()),
  since: z.number().int().min(0),
  next_since: z.number().int().min(0),
  has_more: z.boolean(),
});
export type ReceivedExportPage = z.infer<typeof exportPageSchema>;
