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
  return el('span', {}, cell, tools === undefined ? null : el('div', { class: 'muted' }, `${tools} tool${tools === 1 ? '' : 's'}`), checked ? el('div', { class: 'muted' }, `checked ${checked}`) : null);
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
