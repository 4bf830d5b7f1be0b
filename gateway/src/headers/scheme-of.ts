import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';

/** `https` when the request came over TLS or through a TLS edge that said so, else `http`. */
export function schemeOf(req: IncomingMessage): 'http' | 'https' {
  if (req.socket instanceof TLSSocket) return 'https';
  const forwarded = req.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.trim().toLowerCase() === 'https' ? 'https' : 'http';
}
