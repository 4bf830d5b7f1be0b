/** Where a client reaches a server's transport through the gateway: `<gateway><path>` plus this suffix. */
export const TRANSPORT_SUFFIXES = { 'streamable-http': '/mcp', sse: '/sse' } as const;
export type RemoteTransportType = keyof typeof TRANSPORT_SUFFIXES;

export interface GatewayEndpoint {
  type: RemoteTransportType;
  url: string;
}

/**
 * The gateway URLs of a server's HTTP transports, in the order of its `supported_transports`
 * (`websocket` has no MCP Registry transport type and is left out).
 */
export function gatewayEndpointsOf(gatewayUrl: string, serverPath: string, supportedTransports: readonly string[]): GatewayEndpoint[] {
  const endpoints: GatewayEndpoint[] = [];
  for (const transport of new Set(supportedTransports)) {
    if (!Object.hasOwn(TRANSPORT_SUFFIXES, transport)) continue;
    const type = transport as RemoteTransportType;
    endpoints.push({ type, url: `${gatewayUrl}${serverPath}${TRANSPORT_SUFFIXES[type]}` });
  }
  return endpoints;
}
