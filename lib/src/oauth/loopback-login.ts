import { createServer } from 'node:http';
import * as oidc from 'openid-client';
import { listen } from '../http/listen.js';
import { scopesOf, type NativeClient, type NativeClientSettings, type TokenAnswer } from './native-client.js';

export interface LoopbackLogin {
  /** Where the person logs in: open it in a browser. */
  authorizationUrl: string;
  /** Settles when the browser comes back to the loopback address (or the time runs out). */
  tokens: Promise<TokenAnswer>;
  /** Stops waiting and closes the loopback listener. */
  cancel(): Promise<void>;
}

const CALLBACK_PATH = '/callback';

/**
 * RFC 8252: the authorisation code flow with PKCE, the browser sent back to a listener on
 * 127.0.0.1 (port 0 picks a free one). The listener answers one callback and closes.
 */
export async function startLoopbackLogin(client: NativeClient, settings: NativeClientSettings, options: { port?: number; timeoutMs: number }): Promise<LoopbackLogin> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH || settle === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const failed = url.searchParams.has('error');
    response
      .writeHead(failed ? 400 : 200, { 'content-type': 'text/plain; charset=utf-8' })
      .end(failed ? 'The login did not succeed; see the terminal.\n' : 'Logged in. You can close this window and return to the terminal.\n');
    const done = settle;
    settle = undefined;
    done.resolve(url);
  });
  const running = await listen(server, options.port ?? 0, '127.0.0.1');
  const redirectUri = `${running.url}${CALLBACK_PATH}`;
  const authorizationUrl = oidc.buildAuthorizationUrl(client, {
    redirect_uri: redirectUri,
    scope: scopesOf(settings),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    prompt: 'consent',
  }).href;
  const timer = setTimeout(() => settle?.reject(new Error(`no login within ${Math.round(options.timeoutMs / 1000)} seconds`)), options.timeoutMs);
  const tokens = callback
    .then((url) => oidc.authorizationCodeGrant(client, new URL(`${redirectUri}${url.search}`), { pkceCodeVerifier: verifier, expectedState: state }))
    .finally(async () => {
      clearTimeout(timer);
      await running.close();
    });
  return {
    authorizationUrl,
    tokens,
    cancel: async () => {
      settle?.reject(new Error('the login was cancelled'));
      await tokens.catch(() => undefined);
    },
  };
}
