import type { Request } from 'express';
import { RegistryError } from '../errors/registry-error.js';

const REVISION_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;

/**
 * The revision a caller says it edits: the If-Match header (`"5"`, `5`, `W/"5"`), else the body's
 * `revision` when given; undefined when neither is. Both given and different: 400.
 */
export function expectedRevision(request: Request, bodyRevision?: unknown): number | undefined {
  const header = request.get('if-match');
  const fromHeader = header === undefined ? undefined : parseTag(header.trim());
  const fromBody = bodyRevision === undefined ? undefined : parseBodyRevision(bodyRevision);
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw invalidRevision(`If-Match says revision ${fromHeader} and the body says ${fromBody}; send one`);
  }
  return fromHeader ?? fromBody;
}

/** The ETag of a revision, as answered with a resource and accepted back in If-Match. */
export function revisionTag(revision: number): string {
  return `"${revision}"`;
}

function parseTag(header: string): number {
  const match = REVISION_TAG.exec(header);
  if (match === null) throw invalidRevision(`If-Match must be one revision such as "7" (the ETag you read), got ${JSON.stringify(header)}`);
  return Number(match[1]);
}

function parseBodyRevision(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidRevision('revision must be the whole number you read');
}

function invalidRevision(message: string): RegistryError {
  return new RegistryError('REGISTRY_INVALID_REVISION', 400, message);
}
