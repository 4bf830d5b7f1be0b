import type { z } from 'zod';
import { invalidServer, type RegistryProblem } from '../errors/registry-error.js';
import { serverInputSchema, serverPatchSchema, serverPathSchema, toggleInputSchema, type ServerInput, type ServerPatch } from './server-format.js';

/**
 * Validation of what clients send, at the edge: each function returns the parsed input or throws
 * REGISTRY_INVALID_SERVER listing every problem at once, each with its path in the document.
 */

/** A registration (POST /api/servers). */
export function parseNewServer(body: unknown): ServerInput {
  return parse(serverInputSchema, requireObject(body));
}

/** A replacement (PUT): a complete entry whose `path`, when given, is the URL's. */
export function parseReplacement(urlPath: string, body: unknown): ServerInput {
  const document = requireObject(body);
  const input = parse(serverInputSchema, { path: urlPath, ...document });
  requireSamePath(urlPath, input.path);
  return input;
}

/** A partial edit (PATCH) whose `path`, when given, is the URL's. */
export function parseServerPatch(urlPath: string, body: unknown): ServerPatch {
  const patch = parse(serverPatchSchema, requireObject(body));
  if (patch.path !== undefined) requireSamePath(urlPath, patch.path);
  return patch;
}

/** The optional body of a toggle; undefined `enabled` means flip. */
export function parseToggle(body: unknown): { enabled?: boolean } {
  if (body === undefined || body === null) return {};
  return parse(toggleInputSchema, requireObject(body));
}

/** A server path from a URL, canonicalised. */
export function parseServerPath(text: string): string {
  const result = serverPathSchema.safeParse(text);
  if (!result.success) throw invalidServer(result.error.issues.map((issue) => ({ path: 'path', message: issue.message })));
  return result.data;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidServer([{ path: '', message: 'send a JSON object with Content-Type: application/json' }]);
  }
  return body as Record<string, unknown>;
}

function requireSamePath(urlPath: string, bodyPath: string): void {
  if (bodyPath !== urlPath) {
    throw invalidServer([
      {
        path: 'path',
        message: `must be ${urlPath} (the path in the URL) or be left out; to move a server, register it at the new path and delete the old one`,
      },
    ]);
  }
}

function parse<T extends z.ZodType>(schema: T, document: unknown): z.output<T> {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  throw invalidServer(result.error.issues.flatMap(toProblems));
}

function toProblems(issue: z.core.$ZodIssue): RegistryProblem[] {
  const where = issue.path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: where ? `${where}.${key}` : key, message: 'unknown key; the server format does not have it' }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [{ path: where, message: 'is required' }];
  return [{ path: where, message: issue.message }];
}
