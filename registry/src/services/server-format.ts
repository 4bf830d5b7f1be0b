import { z } from 'zod';
import { canonicalServerPath, InvalidServerPathError } from '@mcpgw/lib/paths/canonical-path.js';
import { isReservedServerPath, RESERVED_FIRST_SEGMENTS } from '@mcpgw/lib/paths/reserved-paths.js';
import type { StoredServer } from '../store/server-repository.js';

/**
 * The server entry in the original MCP Gateway & Registry format (snake_case), as clients send it
 * and as the registry answers. This module owns the format; the store keeps its own record type.
 */
export const SUPPORTED_TRANSPORTS = ['streamable-http', 'sse', 'websocket'] as const;
export const DEFAULT_TRANSPORTS: readonly (typeof SUPPORTED_TRANSPORTS)[number][] = ['streamable-http'];
export const DEFAULT_DESCRIPTION = '';
export const DEFAULT_ENABLED = true;

/** A server path, canonicalised; refused when malformed or under one of the gateway's own segments. */
export const serverPathSchema = z.string().transform((value, context) => {
  let canonical: string;
  try {
    canonical = canonicalServerPath(value);
  } catch (error) {
    if (!(error instanceof InvalidServerPathError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
  if (isReservedServerPath(canonical)) {
    context.addIssue({
      code: 'custom',
      message: `${canonical} is under a segment the gateway keeps for itself (${[...RESERVED_FIRST_SEGMENTS].join(', ')}); pick another path`,
    });
    return z.NEVER;
  }
  return canonical;
});

const text = z.string().trim().min(1, 'must not be empty');

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8101/' },
);

const fields = {
  server_name: text,
  path: serverPathSchema,
  proxy_pass_url: httpUrl,
  description: z.string(),
  tags: z.array(text),
  supported_transports: z.array(z.enum(SUPPORTED_TRANSPORTS)).min(1, 'list at least one transport'),
  enabled: z.boolean(),
  license: z.string(),
  tool_list: z.array(z.unknown()),
};

/** A complete entry (registration, PUT): required fields, defaults filled in, unknown keys refused. */
export const serverInputSchema = z.strictObject({
  server_name: fields.server_name,
  path: fields.path,
  proxy_pass_url: fields.proxy_pass_url,
  description: fields.description.default(DEFAULT_DESCRIPTION),
  tags: fields.tags.default([]),
  supported_transports: fields.supported_transports.default([...DEFAULT_TRANSPORTS]),
  enabled: fields.enabled.default(DEFAULT_ENABLED),
  license: fields.license.optional(),
  tool_list: fields.tool_list.optional(),
});
export type ServerInput = z.infer<typeof serverInputSchema>;

/** A PATCH: any subset of the fields; `null` removes `license` or `tool_list`. */
export const serverPatchSchema = z.strictObject({
  server_name: fields.server_name.optional(),
  path: fields.path.optional(),
  proxy_pass_url: fields.proxy_pass_url.optional(),
  description: fields.description.optional(),
  tags: fields.tags.optional(),
  supported_transports: fields.supported_transports.optional(),
  enabled: fields.enabled.optional(),
  license: fields.license.nullable().optional(),
  tool_list: fields.tool_list.nullable().optional(),
});
export type ServerPatch = z.infer<typeof serverPatchSchema>;

/** The body of POST /api/servers/{path}/toggle: `{ "enabled": bool }`, or nothing to flip. */
export const toggleInputSchema = z.strictObject({ enabled: z.boolean().optional() });

/** What the registry answers for a server. */
export interface ServerEntry {
  server_name: string;
  path: string;
  proxy_pass_url: string;
  description: string;
  tags: string[];
  supported_transports: string[];
  enabled: boolean;
  license?: string;
  tool_list?: unknown[];
  registered_at: string;
  updated_at: string;
}

export function toServerEntry(server: StoredServer): ServerEntry {
  return {
    server_name: server.serverName,
    path: server.path,
    proxy_pass_url: server.proxyPassUrl,
    description: server.description,
    tags: server.tags,
    supported_transports: server.supportedTransports,
    enabled: server.enabled,
    ...(server.license === null ? {} : { license: server.license }),
    ...(server.toolList === null ? {} : { tool_list: server.toolList }),
    registered_at: server.registeredAt,
    updated_at: server.updatedAt,
  };
}
