import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type Prompt, type Resource, type ResourceTemplate, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@mcpgw/lib/logging/logger.js';
import type { VirtualMember } from '@mcpgw/lib/virtual/virtual-server-schema.js';
import { memberError, MemberUnavailableError, type MemberConnection } from './member-connection.js';
import { assignNames, type MemberItem, type NamedItem, type PrefixMode } from './virtual-names.js';

export type CatalogueKind = 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

interface ItemOf {
  tools: Tool;
  prompts: Prompt;
  resources: Resource;
  resourceTemplates: ResourceTemplate;
}

/** One merged list, as the caller may see it at one moment. Pages are cut from it, so paging never skips or repeats. */
export interface Catalogue<K extends CatalogueKind> {
  id: string;
  kind: K;
  entries: NamedItem<ItemOf[K]>[];
  byName: Map<string, NamedItem<ItemOf[K]>>;
}

/** Pages a member may return for one list before the gateway stops following its cursors. */
const MAX_MEMBER_PAGES = 100;
export const VIRTUAL_PAGE_SIZE = 100;

/**
 * Lists one kind across every member the caller reaches (each member's pages followed through
 * nextCursor), in path order, named by the prefix mode. Resources keep their URIs (first member wins
 * a URI offered twice). A member that refuses the caller (403) has nothing for them; one that is down
 * is left out with its reason logged, so one broken member never fails the whole list.
 */
export async function buildCatalogue<K extends CatalogueKind>(
  kind: K,
  members: readonly MemberConnection[],
  mode: PrefixMode,
  logger: Logger,
  /** A named virtual server's choice per member path: what it offers, aliases, descriptions. */
  selection?: ReadonlyMap<string, VirtualMember>,
): Promise<Catalogue<K>> {
  const lists = await Promise.all(
    members.map(async (member): Promise<MemberItem<ItemOf[K]>[]> => {
      try {
        const items = await listMember(await member.client(), kind);
        const chosen = selection?.get(member.path);
        return items.flatMap((item) => {
          const original = nameOf(kind, item);
          return chosen === undefined ? [{ member: member.path, original, item }] : selectedItem(kind, chosen, member.path, original, item);
        });
      } catch (error) {
        const failure = memberError(member.path, error);
        const refused = failure instanceof MemberUnavailableError && (failure.httpStatus === 401 || failure.httpStatus === 403);
        if (refused) logger.debug({ member: member.path, kind }, `virtual server: ${member.path} is not for this caller`);
        else logger.warn({ member: member.path, kind, reason: failure.message }, `virtual server: ${member.path} left out of ${kind}: ${failure.message}`);
        return [];
      }
    }),
  );
  const effectiveMode: PrefixMode = kind === 'resources' || kind === 'resourceTemplates' ? 'never' : mode;
  const entries = assignNames(lists.flat(), effectiveMode, (item, reason) => logger.warn({ member: item.member, kind }, `virtual server: ${reason}`));
  return { id: randomBytes(6).toString('base64url'), kind, entries, byName: new Map(entries.map((entry) => [entry.name, entry])) };
}

/** One page of a catalogue; the cursor names the catalogue and the position in it. */
export function pageOf<K extends CatalogueKind>(catalogue: Catalogue<K>, cursor: string | undefined): { items: NamedItem<ItemOf[K]>[]; nextCursor?: string } {
  let offset = 0;
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    if (position === undefined || position.catalogue !== catalogue.id || position.offset > catalogue.entries.length) {
      throw new McpError(ErrorCode.InvalidParams, 'the cursor is not from the latest list (it changed, or the cursor is not ours); list again without a cursor');
    }
    offset = position.offset;
  }
  const items = catalogue.entries.slice(offset, offset + VIRTUAL_PAGE_SIZE);
  const next = offset + VIRTUAL_PAGE_SIZE;
  return next < catalogue.entries.length ? { items, nextCursor: encodeCursor(catalogue.id, next) } : { items };
}

function encodeCursor(catalogue: string, offset: number): string {
  return Buffer.from(`${catalogue}:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): { catalogue: string; offset: number } | undefined {
  const match = /^([A-Za-z0-9_-]{8}):(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { catalogue: match[1] as string, offset: Number(match[2]) } : undefined;
}

/** The item as a named virtual server shows it, or nothing when the server leaves it out. */
function selectedItem<T extends Tool | Prompt | Resource | ResourceTemplate>(kind: CatalogueKind, chosen: VirtualMember, member: string, original: string, item: T): MemberItem<T>[] {
  // Templates would reach URIs beyond a chosen list of resources, so a member with such a list offers none.
  if (kind === 'resourceTemplates') return chosen.resources === undefined ? [{ member, original, item }] : [];
  const offered = kind === 'tools' ? chosen.tools : kind === 'prompts' ? chosen.prompts : chosen.resources;
  if (offered !== undefined && !offered.includes(original)) return [];
  if (kind !== 'tools' && kind !== 'prompts') return [{ member, original, item }];
  const description = chosen.descriptions?.[original];
  const alias = chosen.aliases?.[original];
  return [{ member, original, item: description === undefined ? item : { ...item, description }, ...(alias === undefined ? {} : { alias }) }];
}

function nameOf(kind: CatalogueKind, item: Tool | Prompt | Resource | ResourceTemplate): string {
  if (kind === 'resources') return (item as Resource).uri;
  if (kind === 'resourceTemplates') return (item as ResourceTemplate).uriTemplate;
  return (item as Tool | Prompt).name;
}

async function listMember<K extends CatalogueKind>(client: Client, kind: K): Promise<ItemOf[K][]> {
  const capabilities = client.getServerCapabilities() ?? {};
  const offered = kind === 'tools' ? capabilities.tools : kind === 'prompts' ? capabilities.prompts : capabilities.resources;
  if (!offered) return [];
  const items: ItemOf[K][] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_MEMBER_PAGES; page += 1) {
    const params = cursor === undefined ? {} : { cursor };
    let next: string | undefined;
    if (kind === 'tools') {
      const result = await client.listTools(params);
      items.push(...(result.tools as ItemOf[K][]));
      next = result.nextCursor;
    } else if (kind === 'prompts') {
      const result = await client.listPrompts(params);
      items.push(...(result.prompts as ItemOf[K][]));
      next = result.nextCursor;
    } else if (kind === 'resources') {
      const result = await client.listResources(params);
      items.push(...(result.resources as ItemOf[K][]));
      next = result.nextCursor;
    } else {
      const result = await client.listResourceTemplates(params);
      items.push(...(result.resourceTemplates as ItemOf[K][]));
      next = result.nextCursor;
    }
    if (next === undefined || next === cursor) return items;
    cursor = next;
  }
  return items;
}
