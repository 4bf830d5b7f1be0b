import type { Identity } from './identity.js';
import { loadOrCreateSigningKey } from './signing-key.js';
import type { TokenSettings } from './token-settings.js';
import { verifyRegistryToken } from './verify-registry-token.js';

/** What the verifier may need to know about the request a token came with. */
export interface VerifyContext {
  /** The canonical server path the request goes to (the gateway's check); RFC 8707 audiences depend on it. */
  serverPath?: string;
}

/** Turns a bearer token into the caller's identity, or throws a TokenError. Every identity provider is one. */
export interface TokenVerifier {
  verify(token: string, context?: VerifyContext): Promise<Identity>;
}

/** The verifier for tokens the registry signs with the key in DATA_DIR. */
export async function createRegistryTokenVerifier(dataDirectory: string, settings: TokenSettings): Promise<TokenVerifier> {
  const key = await loadOrCreateSigningKey(dataDirectory);
  return { verify: (token) => verifyRegistryToken(token, key, settings) };
}
