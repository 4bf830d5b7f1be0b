import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { normaliseHeaderName, RESERVED_HEADER_NAMES } from '@mcpgw/lib/check/check-contract.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { schemeOf } from './scheme-of.js';

/** Headers that belong to one connection and never cross the proxy, plus those the gateway sets. */
const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
  'accept-encoding',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  REQUEST_ID_HEADER,
]);

export interface UpstreamHeaderInput {
  /** The auth-server's identity headers for this request, the only identity the upstream sees. */
  identity: Record<string, string>;
  requestId: string;
  /** `host[:port]` of the upstream. */
  upstreamHost: string;
  /** The length of the authorised body, when the gateway forwards a body it has read. */
  bodyLength?: number;
  /** The route's upstream credential (normalised names): replaces the client's headers of those names. */
  credential?: ReadonlyArray<readonly [string, string]>;
}

/**
 * The headers a request carries upstream. Every header whose normalised name (lower case, `_` as
 * `-`) is reserved is dropped whatever its spelling, then only the auth-server's identity is set.
 * The ingress token stays behind: with `X-Authorization` present, `Authorization` is the caller's
 * egress token and passes untouched; otherwise `Authorization` is the ingress token and is dropped.
 * The route's upstream credential is set last, over any client header of the same name, except that
 * a caller's egress token in `Authorization` (ingress in `X-Authorization`) wins over a bearer credential.
 */
export function buildUpstreamHeaders(req: IncomingMessage, input: UpstreamHeaderInput): IncomingHttpHeaders {
  const ingressInXAuthorization = req.headers['x-authorization'] !== undefined;
  const connectionTokens = listedInConnection(req.headers.connection);
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const normalised = normaliseHeaderName(name);
    if (RESERVED_HEADER_NAMES.has(normalised) || NOT_FORWARDED.has(normalised) || connectionTokens.has(normalised)) continue;
    if (normalised === 'x-authorization') continue;
    if (normalised === 'authorization' && !ingressInXAuthorization) continue;
    headers[name] = value;
  }
  for (const [name, value] of Object.entries(input.identity)) headers[name] = value;
  const callerEgressToken = ingressInXAuthorization && req.headers.authorization !== undefined;
  for (const [name, value] of input.credential ?? []) {
    if (name === 'authorization' && callerEgressToken) continue;
    for (const present of Object.keys(headers)) if (normaliseHeaderName(present) === name) delete headers[present];
    headers[name] = value;
  }

  headers.host = input.upstreamHost;
  headers['accept-encoding'] = 'identity';
  headers[REQUEST_ID_HEADER] = input.requestId;
  const remote = req.socket.remoteAddress ?? '';
  const priorFor = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = typeof priorFor === 'string' && priorFor !== '' ? `${priorFor}, ${remote}` : remote;
  headers['x-forwarded-proto'] = schemeOf(req);
  const priorHost = req.headers['x-forwarded-host'];
  headers['x-forwarded-host'] = typeof priorHost === 'string' && priorHost !== '' ? priorHost : (req.headers.host ?? '');
  if (input.bodyLength !== undefined) headers['content-length'] = String(input.bodyLength);
  else if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
  else if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
  return headers;
}

function listedInConnection(value: string | undefined): Set<string> {
  if (value === undefined) return new Set();
  return new Set(value.split(',').map((token) => normaliseHeaderName(token.trim())).filter(Boolean));
}
