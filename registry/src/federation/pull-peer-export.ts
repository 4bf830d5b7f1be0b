import { exportPageSchema, type ReceivedExportPage } from './export-format.js';
import { SIGNATURE_HEADER, verifyExport, type ExportKeys } from './export-signature.js';

export const PULL_PAGE_LIMIT = 200;
/** A peer that keeps answering has_more past this many pages is refused, not followed forever. */
const MAX_PAGES = 10_000;

/** Why a pull failed, and whether trying again may help (unreachable, 5xx) or not (refused, tampered). */
export class PeerPullError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The peer does not know the cursor (its data was restored or replaced): only a full pull helps. */
export class PeerCursorUnknownError extends PeerPullError {
  constructor() {
    super('the peer does not know this registry\'s sync cursor (its data was restored or replaced)', false);
  }
}

export interface PullRequest {
  /** The peer registry's base URL. */
  endpoint: string;
  token: string | undefined;
  since: number;
  /** The peer's signing keys; when given, every page must carry a valid signature. */
  keys: ExportKeys | undefined;
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
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(url, {
      headers: { accept: 'application/json', ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }) },
      signal: request.signal,
      redirect: 'error',
    });
  } catch (error) {
    const reason = request.signal.aborted ? 'timed out or was stopped' : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
    throw new PeerPullError(`cannot reach the peer at ${url.origin}: ${reason}`, true, { cause: error });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new PeerPullError(`the peer at ${url.origin} broke off its answer`, true, { cause: error });
  }
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
      await verifyExport(bytes, response.headers.get(SIGNATURE_HEADER), request.keys);
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
