import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import { REQUEST_ID_HEADER } from '../headers/request-id.js';
import { filterListAnswers, type ListFilterForId } from '../mcp/filter-list-answers.js';
import { rewriteSseEndpoint, type EndpointContext } from '../mcp/rewrite-sse-endpoint.js';
import { createSseDataTransform, type SseDataRewrite } from '../mcp/sse-data-transform.js';
import type { StreamToolFilters } from '../mcp/stream-tool-filters.js';
import { createSseKeepAlive } from './sse-keep-alive.js';

export interface ResponsePlan {
  requestId: string;
  /** How often an idle event stream gets a keep-alive comment; 0 sends none. */
  keepAliveMs: number;
  /**
   * What happens upstream when the client goes away before its answer was written: `close` ends
   * the upstream request (an event stream opened by GET), `finish` reads the answer to its end
   * and drops it, so that the upstream's work is not cut short.
   */
  onClientGone: 'close' | 'finish';
  /** Set for a POST carrying list requests (tools/list, prompts/list, …) whose caller may see only part of the list. */
  listFilter?: ListFilterForId;
  /** Set for GET requests, whose answer may be a long-lived event stream. */
  stream?: {
    /** Where the stream was opened, to rewrite a legacy `endpoint` event. */
    endpoint: EndpointContext;
    /** Where POSTs leave the list allowances for answers that come over the stream. */
    toolFilters: StreamToolFilters;
    /** Registers the stream with a function that ends it at shutdown; returns the removal. */
    track: (end: () => void) => () => void;
  };
}

const NOT_RETURNED: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade']);
const MAX_FILTERED_BODY_BYTES = 32 * 1024 * 1024;
/** How long an answer whose client went away is still read before the gateway gives up on it. */
export const ABANDONED_ANSWER_LIMIT_MS = 15 * 60_000;

/**
 * Writes the upstream's answer to the client: headers at once, then the body streamed as it
 * arrives, except a filtered list JSON answer (tools/list, prompts/list, …), which is read whole and rewritten. Event
 * streams get keep-alive comments while idle. Rejects with a GatewayError only before anything was
 * written. CORS is the gateway's: the upstream's access-control headers are dropped.
 */
export async function writeUpstreamResponse(res: ServerResponse, proxyRes: IncomingMessage, plan: ResponsePlan): Promise<void> {
  if (res.destroyed) {
    abandon(proxyRes, plan.onClientGone);
    return;
  }
  const status = proxyRes.statusCode ?? 502;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(proxyRes.headers)) {
    if (value !== undefined && !NOT_RETURNED.has(name) && !name.startsWith('access-control-')) headers[name] = value;
  }
  headers[REQUEST_ID_HEADER] = plan.requestId;
  const vary = res.getHeader('vary');
  if (vary !== undefined && headers.vary !== undefined) headers.vary = `${String(headers.vary)}, ${String(vary)}`;
  const mediaType = String(proxyRes.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const eventStream = mediaType === 'text/event-stream';
  const encoded = !['', 'identity', undefined].includes(proxyRes.headers['content-encoding']?.trim().toLowerCase());

  if (plan.listFilter && status === 200 && (mediaType === 'application/json' || eventStream) && encoded) {
    proxyRes.destroy();
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', 'the MCP server compressed a list answer the gateway must filter; disable compression on it');
  }

  if (plan.listFilter && status === 200 && mediaType === 'application/json') {
    const body = await readAll(proxyRes);
    const rewritten = filterListAnswers(body.toString('utf8'), plan.listFilter);
    const out = rewritten === undefined ? body : Buffer.from(rewritten, 'utf8');
    headers['content-length'] = String(out.length);
    res.writeHead(status, headers);
    res.end(out);
    return;
  }

  const transforms: Transform[] = [];
  let source: Readable = proxyRes;
  let release: (() => void) | undefined;
  if (eventStream) {
    headers['cache-control'] ??= 'no-cache';
    headers['x-accel-buffering'] = 'no';
    if (plan.listFilter) {
      const filterFor = plan.listFilter;
      transforms.push(createSseDataTransform((data) => filterListAnswers(data, filterFor)));
    } else if (plan.stream) {
      const { rewrite, close } = streamRewrite(plan.stream);
      transforms.push(createSseDataTransform(rewrite));
      const untrack = plan.stream.track(() => {
        source.unpipe(res);
        res.end();
        proxyRes.destroy();
      });
      release = () => {
        untrack();
        close();
      };
    }
    if (plan.keepAliveMs > 0) transforms.push(createSseKeepAlive(plan.keepAliveMs));
    if (transforms.length > 0) delete headers['content-length'];
  }

  res.writeHead(status, headers);
  res.flushHeaders();
  const cut = (): void => {
    if (!res.writableEnded) res.destroy();
  };
  proxyRes.on('error', cut);
  proxyRes.on('aborted', cut);
  for (const transform of transforms) {
    transform.on('error', cut);
    source = source.pipe(transform);
  }
  res.on('close', () => {
    release?.();
    const finished = res.writableFinished;
    if (!finished) proxyRes.unpipe();
    for (const transform of transforms) transform.destroy();
    if (!finished) abandon(proxyRes, plan.onClientGone);
  });
  source.pipe(res);
}

/** The client went away before its answer was written to the end. */
function abandon(proxyRes: IncomingMessage, onClientGone: ResponsePlan['onClientGone']): void {
  if (onClientGone === 'close') {
    proxyRes.destroy();
    return;
  }
  if (proxyRes.readableEnded) return;
  const limit = setTimeout(() => proxyRes.destroy(), ABANDONED_ANSWER_LIMIT_MS);
  limit.unref();
  proxyRes.once('close', () => clearTimeout(limit));
  proxyRes.on('error', () => {});
  proxyRes.resume();
}

/**
 * What a GET event stream goes through: its legacy `endpoint` event is rewritten to the gateway's
 * path (which also makes the stream findable by the POSTs sent there), and list answers are filtered
 * by the allowances those POSTs recorded.
 */
function streamRewrite(stream: NonNullable<ResponsePlan['stream']>): { rewrite: SseDataRewrite; close: () => void } {
  const opened = stream.toolFilters.open();
  const rewriteEndpoint = rewriteSseEndpoint(stream.endpoint);
  return {
    rewrite: (data, event) => {
      if (event === 'endpoint') {
        const endpoint = rewriteEndpoint(data, event);
        if (endpoint !== undefined) opened.bind(endpoint);
        return endpoint;
      }
      return filterListAnswers(data, opened.filter.allowanceFor);
    },
    close: opened.release,
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FILTERED_BODY_BYTES) {
        stream.destroy();
        reject(new GatewayError('GW_UPSTREAM_BAD_RESPONSE', 'the MCP server answered a list request with more than 32 MiB'));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (cause) => reject(new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the MCP server broke off its answer; try again', { cause })));
    stream.on('end', () => resolve(Buffer.concat(chunks, size)));
  });
}
