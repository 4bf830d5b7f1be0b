import { el } from '../dom.js';
import type { ServerEntry } from '../types.js';

/**
 * The health and status fields of an entry when the registry reports them (health checks may be
 * off): a status word, the number of tools, when it was last checked. A dash when there are none.
 */
export function healthOf(server: ServerEntry): HTMLElement {
  const status = statusOf(server);
  const tools = typeof server.num_tools === 'number' ? server.num_tools : Array.isArray(server.tool_list) ? server.tool_list.length : undefined;
  const checked = firstString(server, ['last_health_check', 'last_checked', 'health_checked_at']);
  const cell = el('span', { class: `health health-${status === undefined ? 'unknown' : status.toLowerCase().replace(/[^a-z-]/g, '')}` }, status ?? '—');
  return el('span', {}, cell, tools === undefined ? null : toolsOf(server, tools), checked ? el('div', { class: 'muted' }, `checked ${checked}`) : null);
}

/** The number of tools, and their names when the entry lists them. */
function toolsOf(server: ServerEntry, count: number): HTMLElement {
  const label = `${count} tool${count === 1 ? '' : 's'}`;
  const names = (Array.isArray(server.tool_list) ? server.tool_list : [])
    .map((tool) => (typeof tool === 'object' && tool !== null && typeof (tool as { name?: unknown }).name === 'string' ? (tool as { name: string }).name : undefined))
    .filter((name): name is string => name !== undefined);
  if (names.length === 0) return el('div', { class: 'muted' }, label);
  return el('details', { class: 'tools' }, el('summary', {}, label), el('ul', {}, ...names.map((name) => el('li', {}, el('code', {}, name)))));
}

function statusOf(server: ServerEntry): string | undefined {
  const direct = firstString(server, ['health_status', 'status']);
  if (direct !== undefined) return direct;
  const health = server.health;
  if (typeof health === 'string') return health;
  if (typeof health === 'object' && health !== null && typeof (health as { status?: unknown }).status === 'string') return (health as { status: string }).status;
  return undefined;
}

function firstString(server: ServerEntry, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = server[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
