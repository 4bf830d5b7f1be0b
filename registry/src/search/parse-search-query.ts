import { RegistryError } from '../errors/registry-error.js';
import { SEARCH_TYPES, type SearchType } from './search-documents.js';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, type SearchRequest } from './search-service.js';

export const MAX_QUERY_LENGTH = 500;

/**
 * `q` (1-500 characters), `type` (server, tool, agent; repeated or comma-separated; default all)
 * and `limit` (1-100, default 10); REGISTRY_INVALID_QUERY otherwise.
 */
export function parseSearchQuery(query: Record<string, unknown>): SearchRequest {
  const text = single(query.q, 'q')?.trim() ?? '';
  if (text === '' || text.length > MAX_QUERY_LENGTH) invalid(`q must be 1 to ${MAX_QUERY_LENGTH} characters of what you are looking for`);
  const rawTypes = query.type === undefined ? [] : (Array.isArray(query.type) ? query.type : [query.type]);
  const types = rawTypes.flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
  for (const type of types) {
    if (!(SEARCH_TYPES as readonly string[]).includes(type)) invalid(`type must be one of ${SEARCH_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
  const limitText = single(query.limit, 'limit');
  const limit = limitText === undefined ? DEFAULT_SEARCH_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) invalid(`limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  return { query: text, types: types.length === 0 ? SEARCH_TYPES : [...new Set(types)] as SearchType[], limit };
}

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') invalid(`give ${name} once`);
  return value as string;
}

function invalid(message: string): never {
  throw new RegistryError('REGISTRY_INVALID_QUERY', 400, message);
}
