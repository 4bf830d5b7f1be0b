import { GatewayError } from '../errors/gateway-error.js';

export interface RequestTarget {
  /** The raw path, exactly as the client sent it. */
  pathname: string;
  /** The raw query without `?`; empty when there is none. */
  query: string;
}

/** `.` and `..` segments, encoded dots, slashes and backslashes, and backslashes themselves. */
const UNSAFE_PATH = /(?:^|\/)\.{1,2}(?:\/|$)|%2e|%2f|%5c|\\/i;

/**
 * Splits a request target into path and query, refusing any path that could be read as leaving the
 * route it names once decoded or normalised by an upstream (GW_BAD_PATH).
 */
export function splitRequestTarget(url: string | undefined): RequestTarget {
  if (url === undefined || !url.startsWith('/')) {
    throw new GatewayError('GW_BAD_PATH', 'send a request path starting with "/", such as /<server-path>/mcp');
  }
  const mark = url.indexOf('?');
  const pathname = mark === -1 ? url : url.slice(0, mark);
  if (UNSAFE_PATH.test(pathname)) {
    throw new GatewayError('GW_BAD_PATH', 'the request path contains "." or ".." segments or encoded dots, slashes or backslashes; send a plain path');
  }
  return { pathname, query: mark === -1 ? '' : url.slice(mark + 1) };
}
