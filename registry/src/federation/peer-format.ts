import { z } from 'zod';
import { isReservedServerPath } from '@mcpgw/lib/paths/reserved-paths.js';
import { isBlockedUpstreamHost, linkLocalUpstreamsAllowed } from '@mcpgw/lib/net/upstream-address-policy.js';
import { RegistryError, type RegistryProblem } from '../errors/registry-error.js';
import { serverPathSchema } from '../services/server-format.js';
import { PEER_KINDS, SYNC_MODES, type PeerTls, type StoredPeer } from '../store/peer-repository.js';

/** The peer entry of the Peers API (snake_case, the operators' guide's field names); owned here. */
export const DEFAULT_SYNC_INTERVAL_MINUTES = 60;
export const MAX_SYNC_INTERVAL_MINUTES = 7 * 24 * 60;
export const PEER_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const text = z.string().trim().min(1, 'must not be empty');

const peerIdSchema = z
  .string()
  .regex(PEER_ID_PATTERN, 'must be lower-case letters, digits, "-" or "_" (up to 63), starting with a letter or digit, e.g. lob-a')
  .refine((id) => !isReservedServerPath(`/${id}`), { message: 'is a path segment the gateway keeps for itself; pick another id' });

const baseUrl = z.string().refine(
  (value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return linkLocalUpstreamsAllowed() || !isBlockedUpstreamHost(url.hostname);
  },
  { message: 'must be an absolute http(s) URL, e.g. https://lob-a-registry.corp.com, not at a link-local or metadata address' },
);

const settingsFields = {
  name: text,
  endpoint: baseUrl,
  enabled: z.boolean(),
  sync_mode: z.enum(SYNC_MODES),
  whitelist_servers: z.array(serverPathSchema),
  whitelist_agents: z.array(serverPathSchema),
  tag_filters: z.array(text),
  sync_interval_minutes: z.number().int('must be a whole number of minutes').min(0).max(MAX_SYNC_INTERVAL_MINUTES),
  federation_token: text,
  jwks_url: baseUrl,
  tls_ca_file: text,
  tls_cert_file: text,
  tls_key_file: text,
  route_via_gateway: baseUrl,
};

export const newPeerSchema = z.strictObject({
  peer_id: peerIdSchema,
  kind: z.enum(PEER_KINDS).default('registry'),
  name: settingsFields.name,
  endpoint: settingsFields.endpoint,
  enabled: settingsFields.enabled.default(true),
  sync_mode: settingsFields.sync_mode.default('all'),
  whitelist_servers: settingsFields.whitelist_servers.default([]),
  whitelist_agents: settingsFields.whitelist_agents.default([]),
  tag_filters: settingsFields.tag_filters.default([]),
  sync_interval_minutes: settingsFields.sync_interval_minutes.default(DEFAULT_SYNC_INTERVAL_MINUTES),
  federation_token: settingsFields.federation_token.optional(),
  jwks_url: settingsFields.jwks_url.nullable().optional(),
  tls_ca_file: settingsFields.tls_ca_file.optional(),
  tls_cert_file: settingsFields.tls_cert_file.optional(),
  tls_key_file: settingsFields.tls_key_file.optional(),
  route_via_gateway: settingsFields.route_via_gateway.nullable().optional(),
});
export type NewPeerInput = z.infer<typeof newPeerSchema>;

/** PUT: any subset of the settings; `federation_token: null` and `jwks_url: null` remove them. */
export const peerUpdateSchema = z.strictObject({
  peer_id: z.string().optional(),
  name: settingsFields.name.optional(),
  endpoint: settingsFields.endpoint.optional(),
  enabled: settingsFields.enabled.optional(),
  sync_mode: settingsFields.sync_mode.optional(),
  whitelist_servers: settingsFields.whitelist_servers.optional(),
  whitelist_agents: settingsFields.whitelist_agents.optional(),
  tag_filters: settingsFields.tag_filters.optional(),
  sync_interval_minutes: settingsFields.sync_interval_minutes.optional(),
  federation_token: settingsFields.federation_token.nullable().optional(),
  jwks_url: settingsFields.jwks_url.nullable().optional(),
  tls_ca_file: settingsFields.tls_ca_file.nullable().optional(),
  tls_cert_file: settingsFields.tls_cert_file.nullable().optional(),
  tls_key_file: settingsFields.tls_key_file.nullable().optional(),
  route_via_gateway: settingsFields.route_via_gateway.nullable().optional(),
});
export type PeerUpdateInput = z.infer<typeof peerUpdateSchema>;

/** What the API answers for a peer; the federation token never appears, only whether one is set. */
export interface PeerEntry {
  peer_id: string;
  /** `registry` (another registry like this one) or `mcp-registry` (an official MCP Registry API). */
  kind: string;
  name: string;
  endpoint: string;
  enabled: boolean;
  sync_mode: string;
  whitelist_servers: string[];
  whitelist_agents: string[];
  tag_filters: string[];
  sync_interval_minutes: number;
  jwks_url: string | null;
  has_federation_token: boolean;
  tls_ca_file: string | null;
  tls_cert_file: string | null;
  tls_key_file: string | null;
  route_via_gateway: string | null;
  origin: string;
  created_at: string;
  updated_at: string;
}

export function toPeerEntry(peer: StoredPeer): PeerEntry {
  return {
    peer_id: peer.peerId,
    kind: peer.kind,
    name: peer.name,
    endpoint: peer.endpoint,
    enabled: peer.enabled,
    sync_mode: peer.filters.syncMode,
    whitelist_servers: peer.filters.whitelistServers,
    whitelist_agents: peer.filters.whitelistAgents,
    tag_filters: peer.filters.tagFilters,
    sync_interval_minutes: peer.syncIntervalMinutes,
    jwks_url: peer.jwksUrl,
    has_federation_token: peer.tokenCiphertext !== null,
    tls_ca_file: peer.tls?.caFile ?? null,
    tls_cert_file: peer.tls?.certFile ?? null,
    tls_key_file: peer.tls?.keyFile ?? null,
    route_via_gateway: peer.routeViaGateway,
    origin: peer.origin,
    created_at: peer.createdAt,
    updated_at: peer.updatedAt,
  };
}

/** Parses a body against a schema or throws REGISTRY_INVALID_PEER listing every problem. */
export function parsePeerBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidPeer([{ path: '', message: 'send a JSON object with Content-Type: application/json' }]);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalidPeer(
    result.error.issues.flatMap((issue): RegistryProblem[] => {
      const where = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: key, message: 'unknown key; a peer does not have it' }));
      if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path: where, message: 'is required' }];
      return [{ path: where, message: issue.message }];
    }),
  );
}

export function invalidPeer(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_PEER', 400, `the peer entry is invalid; fix these and retry: ${summary}`, { problems });
}

/** The mutual TLS settings of an entry over the current ones (null removes a file); a certificate goes with its key. */
export function tlsOf(input: { tls_ca_file?: string | null; tls_cert_file?: string | null; tls_key_file?: string | null }, current: PeerTls | null = null): PeerTls | null {
  const pick = (value: string | null | undefined, fallback: string | null): string | null => (value === undefined ? fallback : value);
  const tls: PeerTls = {
    caFile: pick(input.tls_ca_file, current?.caFile ?? null),
    certFile: pick(input.tls_cert_file, current?.certFile ?? null),
    keyFile: pick(input.tls_key_file, current?.keyFile ?? null),
  };
  if ((tls.certFile === null) !== (tls.keyFile === null)) {
    throw invalidPeer([{ path: 'tls_key_file', message: 'tls_cert_file and tls_key_file go together: give both or neither' }]);
  }
  return tls.caFile === null && tls.certFile === null ? null : tls;
}
