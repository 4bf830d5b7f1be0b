import { RegistryError, type RegistryProblem } from '../../errors/registry-error.js';
import type { ServersQuery } from '../../services/mcp-registry/select-servers-page.js';

export const DEFAULT_PAGE_LIMIT = 30;
export const MAX_PAGE_LIMIT = 100;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

type Query = Record<string, unknown>;

/**
 * The query of GET /v0.1/servers; throws REGISTRY_INVALID_QUERY listing every bad parameter.
 * As the specification says, `updated_since` always includes deleted servers.
 */
export function parseServersQuery(query: Query): ServersQuery {
  const problems: RegistryProblem[] = [];
  const limitText = single(query, 'limit', problems);
  let limit = DEFAULT_PAGE_LIMIT;
  if (limitText !== undefined) {
    limit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) problems.push({ path: 'limit', message: `must be an integer from 1 to ${MAX_PAGE_LIMIT}` });
  }
  const since = single(query, 'updated_since', problems);
  let updatedSince: number | undefined;
  if (since !== undefined) {
    updatedSince = parseRfc3339(since);
    if (updatedSince === undefined) problems.push({ path: 'updated_since', message: 'must be an RFC 3339 time such as 2025-08-07T13:15:04.280Z' });
  }
  const includeDeleted = parseIncludeDeleted(query, problems);
  const cursor = single(query, 'cursor', problems);
  const search = single(query, 'search', problems);
  const version = single(query, 'version', problems);
  if (problems.length > 0) throw invalidQuery(problems);
  return {
    limit,
    includeDeleted: includeDeleted || updatedSince !== undefined,
    ...(cursor ? { cursor } : {}),
    ...(search ? { search } : {}),
    ...(updatedSince === undefined ? {} : { updatedSince }),
    ...(version ? { version } : {}),
  };
}

/** The query of the versions routes: `include_deleted` (default false). */
export function parseVersionsQuery(query: Query): { includeDeleted: boolean } {
  const problems: RegistryProblem[] = [];
  const includeDeleted = parseIncludeDeleted(query, problems);
  if (problems.length > 0) throw invalidQuery(problems);
  return { includeDeleted };
}

/** Epoch milliseconds of an RFC 3339 date-time, or undefined (a day that does not exist included). */
function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const time = Date.parse(text.toUpperCase());
  return Number.isNaN(time) ? undefined : time;
}

function parseIncludeDeleted(query: Query, problems: RegistryProblem[]): boolean {
  const text = single(query, 'include_deleted', problems);
  if (text === undefined || text === '') return false;
  const value = BOOLEANS.get(text.toLowerCase());
  if (value === undefined) problems.push({ path: 'include_deleted', message: 'must be true or false' });
  return value ?? false;
}

function single(query: Query, name: string, problems: RegistryProblem[]): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  problems.push({ path: name, message: 'give it once' });
  return undefined;
}

function invalidQuery(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_QUERY', 400, `invalid query parameters; fix these and retry: ${summary}`, { problems });
}
