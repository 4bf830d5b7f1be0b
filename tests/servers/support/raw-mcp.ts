/** Plain HTTP helpers for checking the transports below what the SDK client shows. */
export const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
export const PROTOCOL_VERSION = '2025-06-18';

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
};

/** Initializes a Streamable HTTP session and returns its id. */
export async function openStreamableSession(serverUrl: string): Promise<string> {
  const response = await fetch(`${serverUrl}/mcp`, { method: 'POST', headers: MCP_HEADERS, body: JSON.stringify(initialize) });
  const sessionId = response.headers.get('mcp-session-id');
  await response.text();
  if (response.status !== 200 || sessionId === null) throw new Error(`initialize answered ${response.status}`);
  const initialized = await postInSession(serverUrl, sessionId, { jsonrpc: '2.0', method: 'notifications/initialized' });
  await initialized.text();
  return sessionId;
}

export function postInSession(serverUrl: string, sessionId: string, message: unknown): Promise<Response> {
  return fetch(`${serverUrl}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION },
    body: JSON.stringify(message),
  });
}

/** Reads a stream until it ends; resolves with everything it carried. */
export async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>, seen = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = seen;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

/** Reads a stream until `pattern` appears in it; resolves with the text so far. */
export async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!pattern.test(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
