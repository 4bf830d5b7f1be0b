import { IDENTITY_HEADERS } from '@mcpgw/lib/check/check-contract.js';
import type { Identity } from '@mcpgw/lib/tokens/identity.js';

/** The identity headers of an allowed request. Values outside printable ASCII are percent-encoded. */
export function identityHeaders(identity: Identity, scopes: readonly string[]): Record<string, string> {
  return {
    [IDENTITY_HEADERS.user]: headerSafe(identity.user),
    [IDENTITY_HEADERS.username]: headerSafe(identity.username),
    [IDENTITY_HEADERS.clientId]: headerSafe(identity.clientId),
    [IDENTITY_HEADERS.scopes]: headerSafe(scopes.join(' ')),
    [IDENTITY_HEADERS.authMethod]: headerSafe(identity.authMethod),
    [IDENTITY_HEADERS.groups]: headerSafe(identity.groups.join(',')),
  };
}

function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}
