import { z } from 'zod';

/**
 * A named virtual MCP server (`/virtual/<name>/mcp` on the gateway): a chosen set of member servers and,
 * per member, the tools, prompts and resources it offers (all when a list is absent), aliases and
 * descriptions. The registry stores these; the gateway receives them in the route table. A selection
 * only narrows: every call is still checked against the member's own entries in scopes.yml.
 */
export const VIRTUAL_SERVER_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

const names = z.array(z.string().min(1).max(512)).max(1000);

export const virtualMemberSchema = z.strictObject({
  /** The member's server path, e.g. `/currenttime`. */
  server: z.string().min(1).max(512),
  tools: names.optional(),
  prompts: names.optional(),
  /** Resource URIs. */
  resources: names.optional(),
  /** Original tool or prompt name -> the name the virtual server shows (used as it is, never prefixed). */
  aliases: z.record(z.string().min(1).max(512), z.string().regex(TOOL_NAME, 'an alias is 1-128 of A-Z a-z 0-9 _ . -')).optional(),
  /** Original tool or prompt name -> the description the virtual server shows. */
  descriptions: z.record(z.string().min(1).max(512), z.string().max(4000)).optional(),
});
export type VirtualMember = z.infer<typeof virtualMemberSchema>;

export const PREFIX_MODES = ['always', 'collision', 'never'] as const;
export type PrefixMode = (typeof PREFIX_MODES)[number];

export const virtualServerDefinitionSchema = z.strictObject({
  description: z.string().max(4000).default(''),
  prefix_mode: z.enum(PREFIX_MODES).default('always'),
  members: z.array(virtualMemberSchema).min(1, 'name at least one member server').max(200),
});
export type VirtualServerDefinition = z.infer<typeof virtualServerDefinitionSchema>;

export const virtualServerSchema = virtualServerDefinitionSchema.extend({
  name: z.string().regex(VIRTUAL_SERVER_NAME, 'a virtual server name is 1-63 of a-z 0-9 -, starting with a letter or digit'),
});
export type VirtualServer = z.infer<typeof virtualServerSchema>;
