import { z } from 'zod';
import { groupRateLimitsSchema, RATE_LIMITS_KEY } from '../ratelimit/rate-limit-schema.js';

/**
 * scopes.yml, in the original MCP Gateway & Registry format:
 *   group_mappings: IdP group -> scope names
 *   UI-Scopes:      scope -> registry action -> server paths or `all`
 *   rate_limits:    IdP group -> { requests, per_seconds, burst } for each caller across servers (optional, an extension)
 *   any other key:  a server scope, a list of { server, methods, tools, prompts, resources }
 * `prompts` and `resources` extend the original format: where an entry lists them, the prompts and
 * resource URIs (or URI prefixes ending in `*`) its methods reach are limited to those.
 */
export const UI_ACTIONS = [
  'list_service',
  'register_service',
  'toggle_service',
  'modify_service',
  'delete_service',
  'health_check_service',
  'list_agents',
  'get_agent',
  'publish_agent',
  'modify_agent',
  'delete_agent',
  'view_scopes',
  'modify_scopes',
  'manage_users',
] as const;
export type UiAction = (typeof UI_ACTIONS)[number];

const name = z.string().trim().min(1, 'must not be empty');

export const serverEntrySchema = z.strictObject({
  server: name,
  methods: z.array(name).optional(),
  tools: z.array(name).optional(),
  prompts: z.array(name).optional(),
  resources: z.array(name).optional(),
});
export type ServerEntry = z.infer<typeof serverEntrySchema>;

export const uiScopeSchema = z.strictObject(
  Object.fromEntries(UI_ACTIONS.map((action) => [action, z.array(name).optional()])) as Record<
    UiAction,
    z.ZodOptional<z.ZodArray<typeof name>>
  >,
);

export const GROUP_MAPPINGS_KEY = 'group_mappings';
export const UI_SCOPES_KEY = 'UI-Scopes';

export const scopesFileSchema = z
  .object({
    [GROUP_MAPPINGS_KEY]: z.record(name, z.array(name)).default({}),
    [UI_SCOPES_KEY]: z.record(name, uiScopeSchema).default({}),
    [RATE_LIMITS_KEY]: groupRateLimitsSchema.optional(),
  })
  .catchall(z.array(serverEntrySchema));

export type ScopesFile = z.infer<typeof scopesFileSchema>;
