import type { StoredServer } from '../store/server-repository.js';

export type UpstreamTransport = 'streamable-http' | 'sse';

export interface UpstreamEndpoint {
  url: string;
  transport: UpstreamTransport;
}

/**
 * Where the registry reaches a server's MCP endpoint, as the gateway would forward `/<path>/mcp` (or
 * `/<path>/sse` for a server that only speaks legacy SSE): the proxy_pass_url's path with `/mcp`
 * appended, keeping its query, unless mcp_endpoint / sse_endpoint names another URL or path.
 */
export function upstreamEndpoint(server: Pick<StoredServer, 'proxyPassUrl' | 'supportedTransports' | 'mcpEndpoint' | 'sseEndpoint'>): UpstreamEndpoint {
  const transport: UpstreamTransport =
    server.supportedTransports.includes('streamable-http') || !server.supportedTransports.includes('sse') ? 'streamable-http' : 'sse';
  const configured = transport === 'streamable-http' ? server.mcpEndpoint : server.sseEndpoint;
  const base = new URL(server.proxyPassUrl);
  if (configured !== null) return { url: new URL(configured, base.origin).href, transport };
  const suffix = transport === 'streamable-http' ? '/mcp' : '/sse';
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${suffix}`;
  return { url: base.href, transport };
}
