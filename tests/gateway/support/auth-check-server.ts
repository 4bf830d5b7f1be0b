import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { ALLOWED_TOOLS_HEADER, CHECK_PATH, decodeMessageHeaders, encodeAllowedTools, IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import { listen } from '@mcpgw/lib/http/listen.js';
import { ingressBearerToken } from '@mcpgw/lib/tokens/bearer.js';
import { createRegistryTokenVerifier, type TokenVerifier } from '@mcpgw/lib/tokens/token-verifier.js';
import { bearerChallenge, isTokenError } from '@mcpgw/lib/tokens/www-authenticate.js';
import { TEST_TOKEN_SETTINGS } from '../../support/tokens.js';

/** What the check server answers: a fixed answer, no answer at all, or a real token verification. */
export type CheckAnswer = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang' | 'verify';

export interface AuthCheckServer {
  url: string;
  /** The headers of every check call, in order. */
  calls: IncomingHttpHeaders[];
  /** Decides each answer; `verify` (the default) checks the bearer token with the DATA_DIR key. */
  answer: (headers: IncomingHttpHeaders) => CheckAnswer;
  /** The tools a verified caller may call: tools/call of others is refused, and tools/list checks send them. */
  allowedTools: '*' | string[];
  /** Headers added to every verified allow (for example X-Rate-Limit). */
  extraHeaders: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A small auth-server implementing the check contract of DESIGN 3.2, whose answers each test
 * controls, recording what the gateway sent.
 */
export async function startAuthCheckServer(dataDir: string): Promise<AuthCheckServer> {
  const verifier: TokenVerifier = await createRegistryTokenVerifier(dataDir, TEST_TOKEN_SETTINGS);
  const state: AuthCheckServer = {
    url: '',
    calls: [],
    answer: () => 'verify',
    allowedTools: '*',
    extraHeaders: {},
    close: async () => {},
  };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== CHECK_PATH) {
      res.writeHead(404).end();
      return;
    }
    state.calls.push({ ...req.headers });
    const answer = state.answer(req.headers);
    if (answer === 'hang') return;
    if (answer === 'verify') {
      void verify(verifier, state, req.headers, res);
      return;
    }
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(text);
  });
  const running = await listen(server, 0, '127.0.0.1', 0);
  state.url = running.url;
  state.close = async () => {
    server.closeAllConnections();
    await running.close();
  };
  return state;
}

async function verify(verifier: TokenVerifier, state: AuthCheckServer, headers: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
  try {
    const identity = await verifier.verify(ingressBearerToken({
      authorization: headers.authorization,
      'x-authorization': headers['x-authorization'] as string | undefined,
    }));
    const answer: Record<string, string> = {
      [IDENTITY_HEADERS.user]: identity.user,
      [IDENTITY_HEADERS.username]: identity.username,
      [IDENTITY_HEADERS.clientId]: identity.clientId,
      [IDENTITY_HEADERS.scopes]: identity.tokenScopes.join(' '),
      [IDENTITY_HEADERS.authMethod]: identity.authMethod,
      [IDENTITY_HEADERS.groups]: identity.groups.join(','),
    };
    const described = decodeMessageHeaders((name) => headers[name] as string | undefined);
    const refused = described?.messages.find((message) => message.method === 'tools/call' && !toolAllowed(state, message.tool ?? ''));
    if (refused) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'AUTH_TOOL_FORBIDDEN', message: 'tool not allowed', tool: refused.tool } }));
      return;
    }
    if (described?.messages.some((message) => message.method === 'tools/list')) {
      answer[ALLOWED_TOOLS_HEADER] = encodeAllowedTools(state.allowedTools === '*' ? '*' : new Set(state.allowedTools));
    }
    res.writeHead(200, { ...answer, ...state.extraHeaders }).end();
  } catch (error) {
    if (!isTokenError(error)) throw error;
    res.writeHead(401, { 'www-authenticate': bearerChallenge(error), 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
  }
}

function toolAllowed(state: AuthCheckServer, tool: string): boolean {
  return state.allowedTools === '*' || state.allowedTools.includes(tool);
}
