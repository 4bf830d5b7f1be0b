import { open, seal } from './seal.js';
import type { UpstreamAuthView, UpstreamCredential } from './upstream-auth.js';

/** What the servers table keeps: the scheme and header names in the clear, the header values sealed. */
interface StoredUpstreamAuth {
  scheme: UpstreamCredential['scheme'];
  names: string[];
  sealed: string;
}

/** Seals and opens server credentials with the registry's credentials key; the server path is bound into each. */
export interface UpstreamCredentials {
  seal(serverPath: string, credential: UpstreamCredential): string;
  /** The headers to inject, or undefined when the stored value does not open (changed, or another key). */
  headersOf(serverPath: string, stored: string): Record<string, string> | undefined;
}

const context = (serverPath: string): string => `upstream-credential:${serverPath}`;

export function createUpstreamCredentials(key: Buffer): UpstreamCredentials {
  return {
    seal(serverPath, credential) {
      const stored: StoredUpstreamAuth = {
        scheme: credential.scheme,
        names: Object.keys(credential.headers),
        sealed: seal(key, JSON.stringify(credential.headers), context(serverPath)),
      };
      return JSON.stringify(stored);
    },
    headersOf(serverPath, stored) {
      try {
        const parsed = JSON.parse(stored) as StoredUpstreamAuth;
        return JSON.parse(open(key, parsed.sealed, context(serverPath))) as Record<string, string>;
      } catch {
        return undefined;
      }
    },
  };
}

/** What answers say about a stored credential (no secret): the scheme, and the header names it sets. */
export function describeUpstreamAuth(stored: string | null | undefined): UpstreamAuthView | undefined {
  if (stored === null || stored === undefined) return undefined;
  const { scheme, names } = JSON.parse(stored) as StoredUpstreamAuth;
  return {
    auth_scheme: scheme,
    auth_credential_set: true,
    ...(scheme === 'api_key' ? { auth_header_name: names[0] as string } : {}),
    ...(scheme === 'custom' ? { auth_header_names: names } : {}),
  };
}
