/** The part of oidc-provider's API the tests use (the package ships no type declarations). */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  export interface IssuedToken {
    clientId?: string;
  }

  export interface Configuration {
    jwks?: { keys: object[] };
    adapter?: new (model: string) => object;
    clients?: Array<Record<string, unknown>>;
    ttl?: Record<string, number>;
    findAccount?: (ctx: unknown, id: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>;
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    issueRefreshToken?: (ctx: unknown, client: unknown, code: unknown) => Promise<boolean>;
    features?: {
      devInteractions?: { enabled: boolean };
      deviceFlow?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (ctx: unknown, client: { clientId: string }, oneOf?: string[]) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: unknown, model: unknown) => Promise<boolean>;
        getResourceServerInfo?: (ctx: unknown, resourceIndicator: string, client: { clientId: string }) => Promise<ResourceServerInfo>;
      };
    };
    extraTokenClaims?: (ctx: unknown, token: IssuedToken) => Promise<Record<string, unknown> | undefined>;
    formats?: {
      customizers?: {
        jwt?: (ctx: unknown, token: IssuedToken, jwt: { header: unknown; payload: Record<string, unknown> }) => Promise<unknown>;
      };
    };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
