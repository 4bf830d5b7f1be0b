import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { PeerTls } from '../store/peer-repository.js';
import { PeerPullError } from './peer-pull-error.js';

/** A peer's answer, read whole. */
export interface PeerAnswer {
  status: number;
  header(name: string): string | null;
  body: Uint8Array;
}

export interface PeerRequest {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Mutual TLS toward the peer; without it, the global fetch. */
  tls: PeerTls | null;
  fetch?: typeof fetch;
}

/**
 * GET from a peer, redirects not followed. With TLS settings the request goes over node:https with
 * the configured CA and client certificate (files read at each call, so renewed certificates apply
 * at the next sync). Network failures throw as they are; the caller decides what they mean.
 */
export async function requestPeer(url: URL, request: PeerRequest): Promise<PeerAnswer> {
  if (request.tls === null) {
    const response = await (request.fetch ?? fetch)(url, { headers: request.headers, signal: request.signal, redirect: 'error' });
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, header: (name) => response.headers.get(name), body };
  }
  if (url.protocol !== 'https:') throw new PeerPullError(`mutual TLS needs an https:// endpoint, not ${url.origin}`, false);
  const read = (file: string | null): Buffer | undefined => {
    if (file === null) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new PeerPullError(`cannot read the TLS file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, false, { cause: error });
    }
  };
  const { caFile, certFile, keyFile } = request.tls;
  const ca = read(caFile);
  const cert = read(certFile);
  const key = read(keyFile);
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(url, { method: 'GET', headers: request.headers, signal: request.signal, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const value = (name: string): string | null => {
          const header = incoming.headers[name.toLowerCase()];
          return header === undefined ? null : Array.isArray(header) ? header.join(', ') : header;
        };
        resolve({ status: incoming.statusCode ?? 0, header: value, body: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
