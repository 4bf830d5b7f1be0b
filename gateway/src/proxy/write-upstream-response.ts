import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import { REQUEST_ID_HEADER } from '../headers/request-id.js';
import { filterToolsList, type AllowanceForId } from '../mcp/filter-tools-list.js';
import { rewriteSseEndpoint, type EndpointContext } from '../mcp/rewrite-sse-endpoint.js';
import { createSseDataTransform, type SseDataRewrite } from '../mcp/sse-data-transform.js';
import type { StreamToolFilters } from '../mcp/stream-tool-filters.js';

export interface ResponsePlan {
  requestId: string;
  /** Set for a POST carrying tools/list requests whose caller may not call every tool. */
  toolsFilter?: AllowanceForId;
  /** Set for GET requests, whose answer may be a long-lived event stream. */
  stream?: {
    /** Where the stream was opened, to rewrite a legacy `endpoint` event. */
    endpoint: EndpointContext;
    /** Where POSTs leave the tools/list allowances for answers that come over the stream. */
    toolFilters: StreamToolFilters;
    /** Registers the stream with a function that ends it at shutdown; returns the removal. */
    track: (end: () => void) => () => void;
  };
}

const NOT_RETURNED: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'trailer', 'upgrade']);
const MAX_FILTERED_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Writes the upstream's answer to the client: headers at once, then the body streamed as it
 * arrives, except a filtered tools/list JSON answer, which is read whole and rewritten. Rejects
 * with a GatewayError only before anything was written.
 */
export async function writeUpstreamResponse(res: ServerResponse, proxyRes: IncomingMessage, plan: ResponsePlan): Promise<void> {
  const status = proxyRes.statusCode ?? 502;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(proxyRes.headers)) {
    if (value !== undefined && !NOT_RETURNED.has(name)) headers[name] = value;
  }
  headers[REQUEST_ID_HEADER] = plan.requestId;
  const mediaType = String(proxyRes.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const eventStream = mediaType === 'text/event-stream';
  const encoded = !['', 'identity', undefined].includes(proxyRes.headers['content-encoding']?.trim().toLowerCase());

  if (plan.toolsFilter && status === 200 && (mediaType === 'application/json' || eventStream) && encoded) {
    proxyRes.destroy();
    throw new GatewayError('GW_UPSTREAM_BAD_RESPONSE', 'the MCP server compressed a tools/list answer the gateway must filter; disable compression on it');
  }

  if (plan.toolsFilter && status === 200 && mediaType === 'application/json') {
    const body = await readAll(proxyRes);
    const rewritten = filterToolsList(body.toString('utf8'), plan.toolsFilter);
    const out = rewritten === undefined ? body : Buffer.from(rewritten, 'utf8');
    headers['content-length'] = String(out.length);
    res.writeHead(status, headers);
    res.end(out);
    return;
  }

  let source: Readable = proxyRes;
  let release: (() => void) | undefined;
  if (eventStream) {
    headers['cache-control'] ??= 'no-cache';
    headers['x-accel-buffering'] = 'no';
    if (plan.toolsFilter) {
      const allowanceFor = plan.toolsFilter;
      source = proxyRes.pipe(createSseDataTransform((data) => filterToolsList(data, allowanceFor)));
    } else if (plan.stream) {
      const { rewrite, close } = streamRewrite(plan.stream);
      source = proxyRes.pipe(createSseDataTransform(rewrite));
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
    if (source !== proxyRes) delete headers['content-length'];
  }

  res.writeHead(status, headers);
  res.flushHeaders();
  const cut = (): void => {
    if (!res.writableEnded) res.destroy();
  };
  proxyRes.on('error', cut);
  proxyRes.on('aborted', cut);
  if (source !== proxyRes) source.on('error', cut);
  if (release) res.on('close', release);
  source.pipe(res);
}

/**
 * What a GET event stream goes through: its legacy `endpoint` event is rewritten to the gateway's
 * path (which also makes the stream findable by the POSTs sent there), and tools lists are filtered
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
      return filterToolsList(data, opened.filter.allowanceFor);
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
        reject(new GatewayError('GW_UPSTREAM_BAD_RESPONSE', 'the MCP server answered tools/list with more than 32 MiB'));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (cause) => reject(new GatewayError('GW_UPSTREAM_UNREACHABLE', 'the MCP server broke off its answer; try again', { cause })));
    stream.on('end', () => resolve(Buffer.concat(chunks, size)));
  });
}
