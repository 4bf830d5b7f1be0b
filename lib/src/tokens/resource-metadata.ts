/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) and resource indicators (RFC 8707) for the
 * gateway: where the metadata of a resource is served, which resource a metadata path names, and
 * which token audiences name this gateway. The gateway serves the documents, the auth-server points
 * at them in its challenges and checks audiences; both use these rules and no others.
 */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

const SAFE_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** The gateway's public URL as an origin (`https://gateway.example.com`), or an error naming the problem. */
export function parsePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`the public URL ${JSON.stringify(text)} is not a URL; use e.g. https://gateway.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the public URL ${JSON.stringify(text)} must use http or https`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new Error(`the public URL ${JSON.stringify(text)} must be an origin only (scheme, host and port), without a path`);
  }
  return url.origin;
}

/** The metadata URL of the resource at `resourcePath` on the gateway: the well-known path goes before it. */
export function resourceMetadataUrl(publicUrl: string, resourcePath: string): string {
  const path = trimTrailingSlash(resourcePath);
  return `${publicUrl}${PROTECTED_RESOURCE_PATH}${path === '/' ? '' : path}`;
}

/** The resource path a request path asks metadata for (`/currenttime/mcp`, or `/` at the root), else undefined. */
export function resourcePathOfMetadataPath(pathname: string): string | undefined {
  if (pathname === PROTECTED_RESOURCE_PATH || pathname === `${PROTECTED_RESOURCE_PATH}/`) return '/';
  if (!pathname.startsWith(`${PROTECTED_RESOURCE_PATH}/`)) return undefined;
  const path = trimTrailingSlash(pathname.slice(PROTECTED_RESOURCE_PATH.length));
  return SAFE_PATH.test(path) ? path : undefined;
}

/**
 * The resource path a challenge should point at for a request: the request's own path when it lies
 * under the server path, else the server path itself.
 */
export function challengeResourcePath(originalUrl: string | undefined, serverPath: string): string {
  let pathname: string | undefined;
  try {
    pathname = originalUrl === undefined ? undefined : trimTrailingSlash(new URL(originalUrl, 'http://gateway.invalid').pathname);
  } catch {
    pathname = undefined;
  }
  if (pathname !== undefined && SAFE_PATH.test(pathname) && (pathname === serverPath || pathname.startsWith(`${serverPath}/`))) return pathname;
  return serverPath;
}

/**
 * Whether `audience` names this gateway as RFC 8707 requires of a resource-bound token: the public
 * URL itself, or the URL of the server path or of anything under it. Without a server path (the
 * registry API) only the public URL itself does.
 */
export function audienceNamesGateway(audience: string, publicUrl: string, serverPath?: string): boolean {
  let url: URL;
  try {
    url = new URL(audience);
  } catch {
    return false;
  }
  if (url.origin !== publicUrl || url.search || url.hash || url.username || url.password) return false;
  const path = trimTrailingSlash(url.pathname);
  if (path === '/') return true;
  return serverPath !== undefined && (path === serverPath || path.startsWith(`${serverPath}/`));
}

function trimTrailingSlash(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
