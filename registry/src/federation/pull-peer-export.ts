import type { PeerTls } from '../store/peer-repository.js';
import { exportPageSchema, type ReceivedExportPage } from './export-format.js';
import { SIGNATURE_HEADER, verifyExport, type ExportKeys } from './export-signature.js';
import { PeerCursorUnknownError, PeerPullError } from './peer-pull-error.js';
import { requestPeer, type PeerAnswer } from './request-peer.js';

export const PULL_PAGE_LIMIT = 200;
/** A peer that keeps answering has_more past this many pages is refused, not followed forever. */
const MAX_PAGES = 10_000;

export interface PullRequest {
  /** The peer registry's base URL. */
  endpoint: string;
  token: string | undefined;
  since: number;
  /** The peer's signing keys; when given, every page must carry a valid signature. */
  keys: ExportKeys | undefined;
  tls: PeerTls | null;
  signal: AbortSignal;
  fetch?: typeof fetch;
}

/** Everything that changed at the peer after `since`: the servers as they now are and the paths gone. */
export interface PulledChanges {
  servers: Map<string, ReceivedExportPage['servers'][number]>;
  removed: Set<string>;
  nextSince: number;
}

/** Pulls every page of the peer's server feed after `since`; nothing is returned unless all pages arrived intact. */
export async function pullPeerExport(request: PullRequest): Promise<PulledChanges> {
  const servers: PulledChanges['servers'] = new Map();
  const removed = new Set<string>();
  let since = request.since;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const body = await fetchPage(request, since);
    // Pages come in change order: a later page's word on a path replaces an earlier one's.
    for (const server of body.servers) {
      removed.delete(server.path);
      servers.set(server.path, server);
    }
    for (const path of body.removed) {
      servers.delete(path);
      removed.add(path);
    }
    since = body.next_since;
    if (!body.has_more) return { servers, removed, nextSince: since };
  }
  throw new PeerPullError(`the peer kept answering has_more after ${MAX_PAGES} pages; check its export feed`, false);
}

async function fetchPage(request: PullRequest, since: number): Promise<ReceivedExportPage> {
  const base = request.endpoint.endsWith('/') ? request.endpoint : `${request.endpoint}/`;
  const url = new URL(`api/federation/servers?since=${since}&limit=${PULL_PAGE_LIMIT}`, base);
  let response: PeerAnswer;
  try {
    response = await requestPeer(url, {
      headers: { accept: 'application/json', ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }) },
      signal: request.signal,
      tls: request.tls,
      ...(request.fetch ? { fetch: request.fetch } : {}),
    });
  } catch (error) {
    if (error instanceof PeerPullError) throw error;
    const reason = request.signal.aborted ? 'timed out or was stopped' : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new PeerPullError(`cannot reach the peer at ${url.origin}: ${reason}`, true, { cause: error });
  }
  const bytes = response.body;
  if (response.status === 401 || response.status === 403) {
    throw new PeerPullError(
      `the peer refused the federation token (HTTP ${response.status}); check FEDERATION_STATIC_TOKEN_AUTH_ENABLED and FEDERATION_STATIC_TOKEN there and this peer's federation_token`,
      false,
    );
  }
  if (response.status === 410) throw new PeerCursorUnknownError();
  if (response.status >= 500) throw new PeerPullError(`the peer failed (HTTP ${response.status})`, true);
  if (response.status !== 200) throw new PeerPullError(`the peer answered HTTP ${response.status} at ${url.pathname}; is the endpoint a registry?`, false);
  if (request.keys !== undefined) {
    try {
      await verifyExport(bytes, response.header(SIGNATURE_HEADER), request.keys);
    } catch (error) {
      throw new PeerPullError(`the peer's export failed signature verification, so nothing was applied: ${(error as Error).message}`, false, { cause: error });
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new PeerPullError('the peer answered something that is not JSON', false, { cause: error });
  }
  const parsed = exportPageSchema.safeParse(document);
  if (!parsed.success) throw new PeerPullError(`the peer's export page is malformed: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`, false);
  return parsed.data;
}
