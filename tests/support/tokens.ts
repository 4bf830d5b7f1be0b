import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importJWK, type JWK } from 'jose';
import { issueToken, type TokenRequest } from '@mcpgw/lib/tokens/issue-token.js';
import { loadOrCreateSigningKey, type SigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, type TokenSettings } from '@mcpgw/lib/tokens/token-settings.js';

export const TEST_TOKEN_SETTINGS: TokenSettings = { issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE };

/** Mints real registry tokens with the signing key of a DATA_DIR, as `mcpgw token` does. */
export class TokenMint {
  private constructor(readonly key: SigningKey, readonly settings: TokenSettings) {}

  static async forDataDir(dataDir: string, settings = TEST_TOKEN_SETTINGS): Promise<TokenMint> {
    return new TokenMint(await loadOrCreateSigningKey(dataDir), settings);
  }

  token(user: string, groups: string[] = [], extra: Partial<TokenRequest> = {}): Promise<string> {
    return issueToken(this.key, this.settings, { user, groups, ttlSeconds: 600, ...extra });
  }

  /** A token valid in every way but signed with a key the services do not know. */
  async forged(user: string, groups: string[]): Promise<string> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    const key = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256');
    return new SignJWT({ groups, scope: '' })
      .setProtectedHeader({ alg: 'ES256', kid: this.key.kid })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(user)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
  }

  /** A token for another audience, signed with the right key. */
  wrongAudience(user: string, groups: string[]): Promise<string> {
    return issueToken(this.key, { ...this.settings, audience: 'someone-else' }, { user, groups, ttlSeconds: 600 });
  }

  /** A token that expired an hour ago. */
  expired(user: string, groups: string[]): Promise<string> {
    return issueToken(this.key, this.settings, { user, groups, ttlSeconds: 60, now: Math.floor(Date.now() / 1000) - 3600 });
  }

  /** An unsigned token (`alg: none`) carrying admin groups. */
  unsigned(user: string, groups: string[]): string {
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: user, groups, iss: this.settings.issuer, aud: this.settings.audience, exp: now + 600 })}.`;
  }
}
