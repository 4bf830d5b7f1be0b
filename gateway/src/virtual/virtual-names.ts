/**
 * How the virtual MCP server names what its members offer. A prefixed name is `<prefix>__<name>`,
 * where the prefix is the member's server path without its leading slash, `/` turned into `.` and any
 * character a tool name may not hold ([A-Za-z0-9_.-]) into `_`: `/team/weather` + `forecast` gives
 * `team.weather__forecast`. The mapping depends only on the server path and the original name.
 */
import type { PrefixMode } from '@mcpgw/lib/virtual/virtual-server-schema.js';

export { PREFIX_MODES, type PrefixMode } from '@mcpgw/lib/virtual/virtual-server-schema.js';
export const NAME_SEPARATOR = '__';

export interface MemberItem<T> {
  /** The member's canonical server path, e.g. `/currenttime`. */
  member: string;
  /** The name the member gives it. */
  original: string;
  item: T;
  /** A name chosen for it (a named virtual server's alias): used as it is, never prefixed. */
  alias?: string;
}

export interface NamedItem<T> extends MemberItem<T> {
  /** The name the virtual server shows. */
  name: string;
}

export function prefixOf(serverPath: string): string {
  return serverPath.replace(/^\/+/, '').replace(/\//g, '.').replace(/[^A-Za-z0-9_.-]/g, '_');
}

export function prefixedName(serverPath: string, original: string): string {
  return `${prefixOf(serverPath)}${NAME_SEPARATOR}${original}`;
}

/**
 * Names every item by the mode: `always` prefixes all; `collision` prefixes the names that more than
 * one member offers; `never` keeps the originals. A name still taken twice (only possible with
 * `never`, or by a member's own odd names) keeps the first member's item, in path order, and reports
 * the others to `onDropped`.
 */
export function assignNames<T>(items: readonly MemberItem<T>[], mode: PrefixMode, onDropped: (item: MemberItem<T>, reason: string) => void): NamedItem<T>[] {
  const offeredBy = new Map<string, number>();
  if (mode === 'collision') for (const item of items) offeredBy.set(item.original, (offeredBy.get(item.original) ?? 0) + 1);
  const taken = new Map<string, string>();
  const named: NamedItem<T>[] = [];
  for (const item of items) {
    const prefixed = mode === 'always' || (mode === 'collision' && (offeredBy.get(item.original) ?? 0) > 1);
    const name = item.alias ?? (prefixed ? prefixedName(item.member, item.original) : item.original);
    const holder = taken.get(name);
    if (holder !== undefined) {
      onDropped(item, `${item.member} offers ${JSON.stringify(item.original)}, but ${holder} already has the name ${JSON.stringify(name)}`);
      continue;
    }
    taken.set(name, item.member);
    named.push({ ...item, name });
  }
  return named;
}
