import { z } from 'zod';
import { GROUP_MAPPINGS_KEY, UI_SCOPES_KEY } from '@mcpgw/lib/scopes/scopes-schema.js';
import { RATE_LIMITS_KEY } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import { problemsOf, RegistryError, type RegistryProblem } from '../../errors/registry-error.js';
import type { ScopesChange } from './scopes-change.js';

/**
 * The bodies of the scopes API, checked for shape at the edge; what they say is checked against
 * the scopes schema once applied (scopes-service). Each may carry the `revision` the caller read.
 */
const revision = z.number().int().min(0).optional();
const documentBody = z.strictObject({ document: z.record(z.string(), z.unknown()), revision });
const groupBody = z.strictObject({ scopes: z.array(z.string()), revision });
const serverScopeBody = z.strictObject({ entries: z.array(z.unknown()), revision });
const uiScopeBody = z.strictObject({ actions: z.record(z.string(), z.unknown()), revision });
const revisionOnlyBody = z.strictObject({ revision }).optional();

export interface ParsedScopesRequest {
  change: ScopesChange;
  revision?: number;
}

/** PUT /api/scopes as JSON: `{ "document": {…}, "revision": n }`. */
export function parseDocumentPut(body: unknown): ParsedScopesRequest {
  const parsed = parse(documentBody, body);
  return withRevision({ kind: 'replace-document', document: parsed.document }, parsed.revision);
}

/** PUT /api/scopes as YAML: the file's text. */
export function parseTextPut(body: unknown): ParsedScopesRequest {
  if (typeof body !== 'string' || body.trim() === '') throw invalid([{ path: '', message: 'send the scopes.yml text as the body' }]);
  return { change: { kind: 'replace-text', text: body } };
}

/** PUT /api/scopes/groups/{group}: `{ "scopes": [...] }`. */
export function parseGroupPut(group: string, body: unknown): ParsedScopesRequest {
  const parsed = parse(groupBody, body);
  return withRevision({ kind: 'set-group', group: requireName(group, 'group'), scopes: parsed.scopes }, parsed.revision);
}

/** PUT /api/scopes/servers/{scope}: `{ "entries": [{ server, methods, tools }, …] }`. */
export function parseServerScopePut(scope: string, body: unknown): ParsedScopesRequest {
  const parsed = parse(serverScopeBody, body);
  return withRevision({ kind: 'set-server-scope', scope: requireServerScopeName(scope), entries: parsed.entries }, parsed.revision);
}

/** PUT /api/scopes/ui/{scope}: `{ "actions": { "list_service": ["all"], … } }`. */
export function parseUiScopePut(scope: string, body: unknown): ParsedScopesRequest {
  const parsed = parse(uiScopeBody, body);
  return withRevision({ kind: 'set-ui-scope', scope: requireName(scope, 'scope'), actions: parsed.actions }, parsed.revision);
}

/** DELETE of a group, server scope or UI scope; the body, if any, may carry `revision`. */
export function parseDelete(kind: 'group' | 'server-scope' | 'ui-scope', name: string, body: unknown): ParsedScopesRequest {
  const parsed = parse(revisionOnlyBody, emptyToUndefined(body));
  const change: ScopesChange =
    kind === 'group'
      ? { kind: 'delete-group', group: requireName(name, 'group') }
      : kind === 'server-scope'
        ? { kind: 'delete-server-scope', scope: requireServerScopeName(name) }
        : { kind: 'delete-ui-scope', scope: requireName(name, 'scope') };
  return withRevision(change, parsed?.revision);
}

/** The `revision` of a body that may carry nothing else (rollback). */
export function parseRevisionOnly(body: unknown): number | undefined {
  return parse(revisionOnlyBody, emptyToUndefined(body))?.revision;
}

/** A revision number in a URL. */
export function parseRevisionParam(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw invalid([{ path: 'revision', message: 'must be a revision number, e.g. 7' }]);
  return Number(text);
}

function withRevision(change: ScopesChange, revisionNumber: number | undefined): ParsedScopesRequest {
  return revisionNumber === undefined ? { change } : { change, revision: revisionNumber };
}

function emptyToUndefined(body: unknown): unknown {
  return body === null || (typeof body === 'object' && Object.keys(body as object).length === 0) ? undefined : body;
}

function requireName(name: string, what: string): string {
  if (name.trim() === '') throw invalid([{ path: what, message: `name the ${what} in the URL` }]);
  return name;
}

function requireServerScopeName(scope: string): string {
  if (scope === GROUP_MAPPINGS_KEY || scope === UI_SCOPES_KEY || scope === RATE_LIMITS_KEY) {
    throw invalid([{ path: 'scope', message: `${scope} is a section of the file, not a server scope` }]);
  }
  return requireName(scope, 'scope');
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalid(problemsOf(result.error));
}

function invalid(problems: RegistryProblem[]): RegistryError {
  const summary = problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('; ');
  return new RegistryError('REGISTRY_INVALID_SCOPES', 400, `the scopes request is invalid; fix these and retry: ${summary}`, { problems });
}
