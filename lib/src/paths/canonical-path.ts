/**
 * Server paths have one canonical form everywhere: one leading slash, no trailing slash,
 * one or more segments of `[a-z0-9._-]`. `/currenttime`, `/team/weather`.
 */
const SEGMENT = /^[a-z0-9._-]+$/;

export class InvalidServerPathError extends Error {
  readonly code = 'INVALID_SERVER_PATH';
  constructor(readonly input: string, reason: string) {
    super(`invalid server path ${JSON.stringify(input)}: ${reason}`);
  }
}

/** Returns the canonical form of a server path, or throws InvalidServerPathError. */
export function canonicalServerPath(input: string): string {
  const trimmed = input.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') throw new InvalidServerPathError(input, 'it is empty');
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') {
      throw new InvalidServerPathError(input, 'segments "." and ".." are not allowed');
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidServerPathError(input, 'use lower-case letters, digits, ".", "_" and "-" between slashes');
    }
  }
  return `/${segments.join('/')}`;
}

/** Like canonicalServerPath but returns undefined instead of throwing. */
export function tryCanonicalServerPath(input: string): string | undefined {
  try {
    return canonicalServerPath(input);
  } catch {
    return undefined;
  }
}

/**
 * The form scopes.yml compares: no leading or trailing slash (`currenttime`), so that both
 * `server: currenttime` and `server: /currenttime/` match the registered path `/currenttime`.
 */
export function scopeServerKey(input: string): string {
  return input.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}
