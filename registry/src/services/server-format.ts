import { z } from 'zod';
import { canonicalServerPath, InvalidServerPathError } from '@mcpgw/lib/paths/canonical-path.js';
import { isReservedServerPath, RESERVED_FIRST_SEGMENTS } from '@mcpgw/lib/paths/reserved-paths.js';
import type { ServerSource, StoredServer, Visibility } from '../store/server-repository.js';
import { isBlockedUpstreamHost, linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import { AUTH_SCHEMES, upstreamAuthProblems, type UpstreamAuthInput, type UpstreamAuthView } from '../credentials/upstream-auth.js';
import { describeUpstreamAuth } from '../credentials/upstream-credentials.js';

/**
 * The server entry in the original MCP Gateway & Registry format (snake_case), as clients send it
 * and as the registry answers. This module owns the format; the store keeps its own record type.
 */
export const SUPPORTED_TRANSPORTS = ['streamable-http', 'sse', 'websocket'] as const;
export const DEFAULT_TRANSPORTS: readonly (typeof SUPPORTED_TRANSPORTS)[number][] = ['streamable-http'];
export const DEFAULT_DESCRIPTION = '';
export const DEFAULT_ENABLED = true;
export const DEFAULT_VISIBILITY: Visibility = 'public';
export const TIMEOUT_SECONDS_RANGE = { min: 1, max: 3600 } as const;

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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .refine(isHttpUrl, { message: 'must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8101/' })
  // Read at each validation so an operator's UPSTREAM_ALLOW_LINK_LOCAL applies without code changes.
  .refine((value) => !isHttpUrl(value) || linkLocalUpstreamsAllowed() || !isBlockedUpstreamHost(new URL(value).hostname), {
    message: 'points at a link-local or cloud metadata address; set UPSTREAM_ALLOW_LINK_LOCAL=true if that is really the upstream',
  });

/** mcp_endpoint / sse_endpoint: a full URL, as in the original, or a path on the upstream. */
const endpoint = z
  .string()
  .refine((value) => isHttpUrl(value) || /^\/[^\s?#]*$/.test(value), {
    message: 'must be an absolute http(s) URL (https://server.example/custom/mcp) or a path on the upstream (/custom/mcp)',
  });

/** `internal` is the original's alias for `private`. */
const visibility = z
  .enum(['public', 'group-restricted', 'private', 'internal'])
  .transform((value): Visibility => (value === 'internal' ? 'private' : value));

const none = (key: string) =>
  z.literal('none', {
    error: `${key} other than "none" would need an upstream credential, which the server entry does not carry; leave it out or set it to "none"`,
  });

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
  metadata: z.record(z.string(), z.unknown()),
  mcp_endpoint: endpoint,
  sse_endpoint: endpoint,
  visibility,
  allowed_groups: z.array(text),
  timeout_seconds: z.number().int('must be a whole number of seconds').min(TIMEOUT_SECONDS_RANGE.min).max(TIMEOUT_SECONDS_RANGE.max),
};

/** The upstream credential (write-only; see credentials/upstream-auth.ts); checked together by checkUpstreamAuth. */
const authFields = {
  auth_scheme: z.enum(AUTH_SCHEMES, { error: `must be one of ${AUTH_SCHEMES.join(', ')}` }).optional(),
  auth_credential: z.string().min(1, 'must not be empty').optional(),
  auth_header_name: z.string().optional(),
  auth_headers: z.record(z.string(), z.string()).optional(),
};

function checkUpstreamAuth(value: UpstreamAuthInput, context: z.RefinementCtx): void {
  for (const problem of upstreamAuthProblems(value)) context.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
}

/**
 * Keys of the original format that this registry accepts and does not store: counts it derives
 * (num_tools from tool_list, stars from ratings), a build detail, and "no upstream credential".
 */
const originalOnly = {
  num_tools: z.number().int().min(0).optional(),
  num_stars: z.number().min(0).optional(),
  is_python: z.boolean().optional(),
  auth_type: none('auth_type').optional(),
};
type OriginalOnlyKey = keyof typeof originalOnly;

function withoutOriginalOnly<T extends Record<string, unknown>>(value: T): Omit<T, OriginalOnlyKey> {
  const { num_tools: _tools, num_stars: _stars, is_python: _python, auth_type: _type, ...rest } = value;
  return rest;
}

/** A complete entry (registration, PUT): required fields, defaults filled in, unknown keys refused. */
export const serverInputSchema = z
  .strictObject({
    server_name: fields.server_name,
    path: fields.path,
    proxy_pass_url: fields.proxy_pass_url,
    description: fields.description.default(DEFAULT_DESCRIPTION),
    tags: fields.tags.default([]),
    supported_transports: fields.supported_transports.default([...DEFAULT_TRANSPORTS]),
    enabled: fields.enabled.default(DEFAULT_ENABLED),
    license: fields.license.optional(),
    tool_list: fields.tool_list.optional(),
    metadata: fields.metadata.optional(),
    mcp_endpoint: fields.mcp_endpoint.optional(),
    sse_endpoint: fields.sse_endpoint.optional(),
    visibility: fields.visibility.default(DEFAULT_VISIBILITY),
    allowed_groups: fields.allowed_groups.default([]),
    timeout_seconds: fields.timeout_seconds.optional(),
    ...authFields,
    ...originalOnly,
  })
  .superRefine(checkUpstreamAuth)
  .transform(withoutOriginalOnly);
export type ServerInput = z.infer<typeof serverInputSchema>;

/** A PATCH: any subset of the fields; `null` removes an optional one. */
export const serverPatchSchema = z
  .strictObject({
    server_name: fields.server_name.optional(),
    path: fields.path.optional(),
    proxy_pass_url: fields.proxy_pass_url.optional(),
    description: fields.description.optional(),
    tags: fields.tags.optional(),
    supported_transports: fields.supported_transports.optional(),
    enabled: fields.enabled.optional(),
    license: fields.license.nullable().optional(),
    tool_list: fields.tool_list.nullable().optional(),
    metadata: fields.metadata.nullable().optional(),
    mcp_endpoint: fields.mcp_endpoint.nullable().optional(),
    sse_endpoint: fields.sse_endpoint.nullable().optional(),
    visibility: fields.visibility.optional(),
    allowed_groups: fields.allowed_groups.optional(),
    timeout_seconds: fields.timeout_seconds.nullable().optional(),
    ...authFields,
    ...originalOnly,
  })
  .superRefine(checkUpstreamAuth)
  .transform(withoutOriginalOnly);
export type ServerPatch = z.infer<typeof serverPatchSchema>;

/** The body of POST /api/servers/{path}/toggle: `{ "enabled": bool }`, or nothing to flip. */
export const toggleInputSchema = z.strictObject({ enabled: z.boolean().optional() });

/** What the registry answers for a server; optional keys appear only when set. */
export interface ServerEntry extends Partial<UpstreamAuthView> {
  server_name: string;
  path: string;
  proxy_pass_url: string;
  description: string;
  tags: string[];
  supported_transports: string[];
  enabled: boolean;
  license?: string;
  tool_list?: unknown[];
  metadata?: Record<string, unknown>;
  mcp_endpoint?: string;
  sse_endpoint?: string;
  visibility: Visibility;
  /** Present when visibility is group-restricted. */
  allowed_groups?: string[];
  timeout_seconds?: number;
  source: ServerSource;
  /** Present when source is federated. */
  federated_from?: string;
  revision: number;
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
    ...(server.metadata === null ? {} : { metadata: server.metadata }),
    ...(server.mcpEndpoint === null ? {} : { mcp_endpoint: server.mcpEndpoint }),
    ...(server.sseEndpoint === null ? {} : { sse_endpoint: server.sseEndpoint }),
    visibility: server.visibility,
    ...(server.visibility === 'group-restricted' ? { allowed_groups: server.allowedGroups } : {}),
    ...(server.timeoutSeconds === null ? {} : { timeout_seconds: server.timeoutSeconds }),
    ...describeUpstreamAuth(server.upstreamAuth),
    source: server.source,
    ...(server.federatedFrom === null ? {} : { federated_from: server.federatedFrom }),
    revision: server.revision,
    registered_at: server.registeredAt,
    updated_at: server.updatedAt,
  };
}
