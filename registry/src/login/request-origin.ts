import type { Request } from 'express';
import type { LoginSettings } from './login-settings.js';

type ProxySettings = Pick<LoginSettings, 'trustedProxies' | 'publicUrl'>;

function peerAddress(request: Request): string {
  return (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function fromTrustedProxy(request: Request, settings: ProxySettings): boolean {
  return settings.trustedProxies.has(peerAddress(request));
}

/** TLS on this connection, or X-Forwarded-Proto: https from a configured proxy (never from anyone else). */
export function isSecureRequest(request: Request, settings: ProxySettings): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!fromTrustedProxy(request, settings)) return false;
  const proto = request.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https';
}

/** The client's address: the peer, or the last address a configured proxy appended to X-Forwarded-For. */
export function clientAddress(request: Request, settings: ProxySettings): string {
  const peer = peerAddress(request);
  if (!fromTrustedProxy(request, settings)) return peer;
  const forwarded = request.get('x-forwarded-for')?.split(',').map((item) => item.trim()).filter(Boolean);
  return forwarded?.at(-1) ?? peer;
}

/** REGISTRY_PUBLIC_URL, else the origin this request reached (scheme believed only from trusted proxies). */
export function registryOrigin(request: Request, settings: ProxySettings): string {
  if (settings.publicUrl !== undefined) return settings.publicUrl;
  const host = (fromTrustedProxy(request, settings) ? request.get('x-forwarded-host') : undefined) ?? request.get('host') ?? 'localhost';
  return `${isSecureRequest(request, settings) ? 'https' : 'http'}://${host}`;
}
