import type { JWTPayload } from 'jose';
import type { Identity } from '../tokens/identity.js';
import { PROVIDER_KINDS, stringList } from './provider-kinds.js';
import type { ProviderSettings } from './provider-settings.js';

/** The caller a verified identity provider token names, read the way its kind writes claims. */
export function providerIdentity(claims: JWTPayload, settings: ProviderSettings): Identity {
  const kind = PROVIDER_KINDS[settings.type];
  const clientId = firstString(claims, kind.clientClaims) ?? 'unknown';
  const user = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : clientId;
  const usernameClaims = settings.usernameClaim === null ? kind.usernameClaims : [settings.usernameClaim, ...kind.usernameClaims];
  const groups = [...(settings.groupsClaim === null ? [] : stringList(claims[settings.groupsClaim])), ...kind.extraGroups(claims)];
  const scopes = [...stringList(claims.scope), ...stringList(claims.scp)].flatMap((item) => item.split(' ')).filter(Boolean);
  return {
    user,
    username: firstString(claims, usernameClaims) ?? user,
    clientId,
    groups: [...new Set(groups)],
    tokenScopes: [...new Set(scopes)],
    authMethod: settings.name,
    expiresAt: claims.exp as number,
  };
}

function firstString(claims: JWTPayload, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
