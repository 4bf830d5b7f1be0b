import { normaliseHeaderName, RESERVED_HEADER_NAMES } from '../check/check-contract.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII and spaces/tabs inside: no CR, LF or other control characters. */
const VALUE = /^[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?$/;

/** Headers an upstream credential may not set: the connection's own, and those the gateway owns. */
const NOT_INJECTABLE: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
  'content-type',
  'accept',
  'accept-encoding',
  'cookie',
  'x-authorization',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

/**
 * Why a header name cannot carry an upstream credential, or undefined when it can. Names are
 * compared as the gateway strips them: lower case, `_` as `-`.
 */
export function credentialHeaderNameProblem(name: string): string | undefined {
  if (!TOKEN.test(name)) return 'is not a valid HTTP header name';
  const normalised = normaliseHeaderName(name);
  if (NOT_INJECTABLE.has(normalised) || RESERVED_HEADER_NAMES.has(normalised)) {
    return `${name} belongs to the gateway or the connection; use another header name`;
  }
  return undefined;
}

/** Whether a value can be sent as a header value unchanged. */
export function isHeaderValue(value: string): boolean {
  return VALUE.test(value);
}
