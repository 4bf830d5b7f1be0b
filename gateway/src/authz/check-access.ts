import http from 'node:http';
import https from 'node:https';
import { ALLOWED_PROMPTS_HEADER, ALLOWED_RESOURCES_HEADER, ALLOWED_TOOLS_HEADER, AUTHENTICATE_PATH, CHECK_PATH, IDENTITY_HEADERS, RATE_LIMIT_HEADER } from '@mcpgw/lib/check/check-contract.js';
import { decodeBucketLimit, type BucketLimit } from '@mcpgw/lib/ratelimit/rate-limit-schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { buildCheckHeaders, type CheckRequestInput } from './build-check-headers.js';

export interface AccessGrant {
  /** The identity headers the auth-server answered with, to be set upstream. */
  identity: Record<string, string>;
  /** The raw X-Allowed-Tools answer, when the auth-server sent one. */
  allowedTools: string | undefined;
  /** The raw X-Allowed-Prompts answer, when the auth-server sent one. */
  allowedPrompts: string | undefined;
  /** The raw X-Allowed-Resources answer, when the auth-server sent one. */
  allowedResources: string | undefined;
  /** The caller's rate limit across servers (X-Rate-Limit), when its groups have one. */
  rateLimit?: BucketLimit | undefined;
}

export interface AccessChecker {
  /** Resolves with the grant, or rejects with GW_UNAUTHENTICATED, GW_FORBIDDEN or GW_AUTH_UNAVAILABLE. */
  check(req: http.IncomingMessage, input: CheckRequestInput): Promise<AccessGrant>;
  /** The same, with the check headers already built (see build-check-headers). */
  checkHeaders(headers: Record<string, string | string[]>): Promise<AccessGrant>;
  /** Who the caller is (the auth-server's /authenticate), deciding no access: GW_UNAUTHENTICATED or GW_AUTH_UNAVAILABLE when not known. */
  authenticate(headers: Record<string, string | string[]>): Promise<AccessGrant>;
  close(): void;
}

export interface AccessCheckerOptions {
  authUrl: string;
  timeoutMs: number;
}

const MAX_REASON_BYTES = 64 * 1024;
const IDENTITY_NAMES = Object.values(IDENTITY_HEADERS);

/**
 * Asks the auth-server about every request before anything reaches an upstream, over a keep-alive
 * agent with a tight timeout. Anything but a 200, 401 or 403 fails closed.
 */
export function createAccessChecker(options: AccessCheckerOptions): AccessChecker {
  const base = options.authUrl.replace(/\/+$/, '');
  const checkUrl = new URL(`${base}${CHECK_PATH}`);
  const authenticateUrl = new URL(`${base}${AUTHENTICATE_PATH}`);
  const transport = checkUrl.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true });

  const unavailable = (cause: unknown): GatewayError =>
    new GatewayError('GW_AUTH_UNAVAILABLE', 'the auth-server did not answer the access check; try again shortly', { cause });

  const ask = (url: URL, headers: Record<string, string | string[]>): Promise<AccessGrant> =>
    new Promise<AccessGrant>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      let request: http.ClientRequest;
      try {
        request = transport.request(url, { method: 'GET', agent, headers });
      } catch (cause) {
        reject(unavailable(cause));
        return;
      }
      const timer = setTimeout(() => {
        request.destroy(new Error(`the auth-server did not answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      request.on('error', (cause) => settle(() => reject(unavailable(cause))));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status === 200) {
          response.resume();
          settle(() => resolve(grantOf(response)));
          return;
        }
        if (status !== 401 && status !== 403) {
          response.resume();
          settle(() => reject(unavailable(new Error(`the auth-server answered ${status}`))));
          return;
        }
        readReason(response).then(
          (reason) => settle(() => reject(denial(status, response, reason))),
          (cause: unknown) => settle(() => reject(unavailable(cause))),
        );
      });
      request.end();
    });

  const checkHeaders = (headers: Record<string, string | string[]>): Promise<AccessGrant> => ask(checkUrl, headers);
  return {
    check: (req, input) => checkHeaders(buildCheckHeaders(req, input)),
    checkHeaders,
    authenticate: (headers) => ask(authenticateUrl, headers),
    close() {
      agent.destroy();
    },
  };
}

function grantOf(response: http.IncomingMessage): AccessGrant {
  const identity: Record<string, string> = {};
  for (const name of IDENTITY_NAMES) {
    const value = response.headers[name];
    if (typeof value === 'string') identity[name] = value;
  }
  const raw = (name: string): string | undefined => {
    const value = response.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    identity,
    allowedTools: raw(ALLOWED_TOOLS_HEADER),
    allowedPrompts: raw(ALLOWED_PROMPTS_HEADER),
    allowedResources: raw(ALLOWED_RESOURCES_HEADER),
    rateLimit: decodeBucketLimit(raw(RATE_LIMIT_HEADER)),
  };
}

function denial(status: 401 | 403, response: http.IncomingMessage, reason: unknown): GatewayError {
  const data = reason === undefined ? undefined : { reason };
  const challenge = response.headers['www-authenticate'];
  if (status === 403) {
    return new GatewayError('GW_FORBIDDEN', 'the caller may not make this request; ask an administrator for access', {
      data,
      ...(typeof challenge === 'string' ? { headers: { 'www-authenticate': challenge } } : {}),
    });
  }
  return new GatewayError('GW_UNAUTHENTICATED', 'send a valid bearer token in the Authorization header', {
    data,
    headers: typeof challenge === 'string' ? { 'www-authenticate': challenge } : { 'www-authenticate': 'Bearer' },
  });
}

/** The auth-server's JSON reason, or undefined when it sent none or something else. */
function readReason(response: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REASON_BYTES) chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => {
      if (size === 0 || size > MAX_REASON_BYTES) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}
