import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import { SignJWT, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { listen } from '@mcpgw/lib/http/listen.js';

/** A client of the issuer: client credentials with client_secret_basic. */
export interface OidcClient {
  clientId: string;
  clientSecret: string;
  /** Claims added to every access token issued to this client (oidc-provider's extraTokenClaims). */
  claims?: Record<string, unknown>;
  /** The last word on this client's access token claims: may drop or rewrite any (Cognito's token_use, Entra v1's iss). */
  shape?: (claims: Record<string, unknown>) => void;
  /** The `aud` of a token requested without a resource indicator; default the client id. */
  audience?: string;
  /** Where the authorization code flow may return to; with any, the client may use the code, refresh and device grants. */
  redirectUris?: string[];
  /** A public client (no secret at the token endpoint, PKCE), as a command line is. */
  public?: boolean;
}

export interface OidcIssuerOptions {
  /** Where the issuer lives under the server's origin, e.g. `/realms/mcp` (Keycloak) or `/<tenant>/v2.0` (Entra). */
  issuerPath: string;
  clients: OidcClient[];
  /** Lifetime of access tokens, seconds (default 600). */
  accessTokenTtl?: number;
  /**
   * People who can log in through the issuer's development login page (any password), by login
   * name, with the claims their ID tokens carry (besides `sub`, the login name).
   */
  accounts?: Record<string, Record<string, unknown>>;
}

export interface OidcIssuer {
  /** The issuer URL, `http://127.0.0.1:<port><issuerPath>`. */
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  /** How many times the JWKS has been fetched. */
  jwksFetches(): number;
  /** A client-credentials access token (JWT), for `resource` when given (RFC 8707). */
  clientCredentials(clientId: string, request?: { resource?: string; scope?: string }): Promise<string>;
  /** Signs claims with the key the issuer signs with now, as its own tokens are (for expired, wrong-audience... cases). */
  sign(claims: Record<string, unknown>, header?: { alg?: string; kid?: string }): Promise<string>;
  /** The public JWK of the key the issuer signs with now. */
  publicJwk(): JWK;
  /** Lets a client return to one more redirect URI (known only once the registry listens). */
  addRedirectUri(clientId: string, uri: string): void;
  /** Starts signing with a new key; with keepOld, the old key stays published beside it. */
  rotateKeys(options: { keepOld: boolean }): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 issuing JWT access tokens by client
 * credentials, with resource indicators (RFC 8707): a token requested with `resource=` has that
 * `aud`. Clients' claims and shapes make its tokens look like Keycloak's, Cognito's or Entra's.
 */
export async function startOidcIssuer(options: OidcIssuerOptions): Promise<OidcIssuer> {
  const clients = new Map(options.clients.map((client) => [client.clientId, client]));
  const app = express();
  let fetches = 0;
  let keys: SigningKey[] = [makeKey()];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  app.use(options.issuerPath, (req, _res, next) => {
    if (req.method === 'GET' && req.path === '/jwks') fetches += 1;
    next();
  });
  app.use(options.issuerPath, (req, res) => handler(req, res));
  const running = await listen(createServer(app), 0, '127.0.0.1', 0);
  const issuer = `${running.url}${options.issuerPath}`;

  const build = (): void => {
    const provider = new Provider(issuer, configuration(keys.map((key) => key.privateJwk), clients, options.accessTokenTtl ?? 600, options.accounts ?? {}));
    handler = provider.callback();
  };
  build();

  const current = (): SigningKey => keys[0] as SigningKey;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    jwksFetches: () => fetches,
    async clientCredentials(clientId, request = {}) {
      const client = clients.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      const body = new URLSearchParams({ grant_type: 'client_credentials' });
      if (request.resource) body.set('resource', request.resource);
      if (request.scope) body.set('scope', request.scope);
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const answer = (await response.json()) as { access_token?: string; error?: string };
      if (!response.ok || !answer.access_token) throw new Error(`token request failed: ${response.status} ${JSON.stringify(answer)}`);
      return answer.access_token;
    },
    sign(claims, header = {}) {
      const key = current();
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: now, exp: now + 600, jti: randomUUID(), ...claims })
        .setProtectedHeader({ alg: header.alg ?? 'RS256', typ: 'at+jwt', kid: header.kid ?? (key.privateJwk.kid as string) })
        .sign(key.privateJwk as Parameters<SignJWT['sign']>[0]);
    },
    publicJwk: () => current().publicJwk,
    addRedirectUri(clientId, uri) {
      const client = clients.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      client.redirectUris = [...(client.redirectUris ?? []), uri];
      build();
    },
    async rotateKeys({ keepOld }) {
      keys = keepOld ? [makeKey(), ...keys] : [makeKey()];
      build();
    },
    close: running.close,
  };
}

function makeKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as JWK,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } as JWK,
  };
}

const DEFAULT_RESOURCE = 'urn:oidc-issuer:default';

/** The claims an account's ID token may carry, under the `openid` scope. */
const ACCOUNT_CLAIMS = ['sub', 'preferred_username', 'name', 'email', 'groups', 'realm_access', 'cognito:groups', 'cognito:username', 'roles', 'tid'];

function configuration(jwks: JWK[], clients: Map<string, OidcClient>, accessTokenTtl: number, accounts: Record<string, Record<string, unknown>>): Configuration {
  const interactive = [...clients.values()].some((client) => (client.redirectUris ?? []).length > 0);
  return {
    jwks: { keys: jwks },
    adapter: MemoryAdapter,
    clients: [...clients.values()].map((client) =>
      (client.redirectUris ?? []).length === 0
        ? { client_id: client.clientId, client_secret: client.clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }
        : {
            client_id: client.clientId,
            ...(client.public ? { token_endpoint_auth_method: 'none', application_type: 'native' } : { client_secret: client.clientSecret }),
            grant_types: [
              'authorization_code',
              'refresh_token',
              'urn:ietf:params:oauth:grant-type:device_code',
              ...(client.public ? [] : ['client_credentials']),
            ],
            redirect_uris: client.redirectUris,
            response_types: ['code'],
          },
    ),
    ttl: { ClientCredentials: accessTokenTtl, AccessToken: accessTokenTtl, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600, RefreshToken: 3600, DeviceCode: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }),
    claims: { openid: ACCOUNT_CLAIMS },
    conformIdTokenClaims: false,
    issueRefreshToken: async () => true,
    features: {
      devInteractions: { enabled: interactive },
      deviceFlow: { enabled: interactive },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => DEFAULT_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource, client) => ({
          scope: 'mcp',
          audience: resource === DEFAULT_RESOURCE ? (clients.get(client.clientId)?.audience ?? client.clientId) : resource,
          accessTokenTTL: accessTokenTtl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: async (_ctx, token) => clients.get(token.clientId ?? '')?.claims,
    formats: {
      customizers: {
        jwt: async (_ctx, token, jwt) => {
          clients.get(token.clientId ?? '')?.shape?.(jwt.payload);
          return jwt;
        },
      },
    },
  };
}

/** oidc-provider's storage, in memory, with the lookups by uid and user code that logins need. */
class MemoryAdapter {
  private static readonly store = new Map<string, unknown>();
  private static readonly byUid = new Map<string, string>();
  private static readonly byUserCode = new Map<string, string>();
  constructor(private readonly model: string) {}
  private key(id: string): string {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: { uid?: string; userCode?: string }): Promise<void> {
    MemoryAdapter.store.set(this.key(id), payload);
    if (payload.uid) MemoryAdapter.byUid.set(`${this.model}:${payload.uid}`, id);
    if (payload.userCode) MemoryAdapter.byUserCode.set(`${this.model}:${payload.userCode}`, id);
  }
  async find(id: string): Promise<unknown> {
    return MemoryAdapter.store.get(this.key(id));
  }
  async findByUserCode(userCode: string): Promise<unknown> {
    const id = MemoryAdapter.byUserCode.get(`${this.model}:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }
  async findByUid(uid: string): Promise<unknown> {
    const id = MemoryAdapter.byUid.get(`${this.model}:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }
  async consume(id: string): Promise<void> {
    const payload = MemoryAdapter.store.get(this.key(id));
    if (payload && typeof payload === 'object') (payload as { consumed?: number }).consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MemoryAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(): Promise<void> {}
}
