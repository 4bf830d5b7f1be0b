import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { listen } from '@mcpgw/lib/http/listen.js';

/** Just enough of RFC 6455 for tests: text frames up to 64 KiB, close frames, masking. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const TEXT = 0x1;
const CLOSE = 0x8;

export interface WebSocketEcho {
  url: string;
  /** The headers of every upgrade request that reached it. */
  upgrades: IncomingHttpHeaders[];
  /** `echo` answers each text frame with `echo: <text>`; `refuse` answers 403; `hang` never answers. */
  mode: 'echo' | 'refuse' | 'hang';
  close(): Promise<void>;
}

/** A WebSocket upstream that echoes text frames, recording each upgrade request. */
export async function startWebSocketEcho(): Promise<WebSocketEcho> {
  const sockets = new Set<Duplex>();
  const server = http.createServer((_req, res) => void res.writeHead(404).end());
  const state: WebSocketEcho = { url: '', upgrades: [], mode: 'echo', close: async () => {} };
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    state.upgrades.push({ ...req.headers });
    if (state.mode === 'hang') return;
    if (state.mode === 'refuse') {
      const body = 'upstream refuses';
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${ACCEPT_GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\nx-upstream: ws-echo\r\n\r\n`);
    readFrames(socket, (opcode, payload) => {
      if (opcode === TEXT) socket.write(encodeFrame(TEXT, Buffer.from(`echo: ${payload.toString('utf8')}`), false));
      if (opcode === CLOSE) socket.end(encodeFrame(CLOSE, Buffer.alloc(0), false));
    });
  });
  const running = await listen(server, 0, '127.0.0.1', 0);
  state.url = running.url;
  state.close = async () => {
    for (const socket of sockets) socket.destroy();
    await running.close();
  };
  return state;
}

export type WebSocketAttempt =
  | { opened: true; headers: IncomingHttpHeaders; send(text: string): void; next(): Promise<string>; closed: Promise<void>; close(): void }
  | { opened: false; status: number; headers: IncomingHttpHeaders; body: string };

/** Opens a WebSocket with an HTTP upgrade request; a refusal resolves with the HTTP answer. */
export function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocketAttempt> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const request = http.request(url, {
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': key, ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ opened: false, status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('upgrade', (response, socket, head) => {
      const expected = createHash('sha1').update(`${key}${ACCEPT_GUID}`).digest('base64');
      if (response.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('the upgrade answer carries a wrong Sec-WebSocket-Accept'));
        return;
      }
      const received: string[] = [];
      const waiting: Array<(text: string) => void> = [];
      socket.on('error', () => {});
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      readFrames(socket, (opcode, payload) => {
        if (opcode !== TEXT) return;
        const text = payload.toString('utf8');
        const waiter = waiting.shift();
        if (waiter) waiter(text);
        else received.push(text);
      }, head);
      resolve({
        opened: true,
        headers: response.headers,
        send: (text) => socket.write(encodeFrame(TEXT, Buffer.from(text), true)),
        next: () => {
          const text = received.shift();
          if (text !== undefined) return Promise.resolve(text);
          return new Promise((resolveText, rejectText) => {
            waiting.push(resolveText);
            void closed.then(() => rejectText(new Error('the WebSocket closed before a message came')));
          });
        },
        closed,
        close: () => socket.end(encodeFrame(CLOSE, Buffer.alloc(0), true)),
      });
    });
    request.end();
  });
}

function encodeFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | length]) : Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, length >> 8, length & 0xff]);
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] as number)));
  return Buffer.concat([header, mask, body]);
}

function readFrames(socket: Duplex, onFrame: (opcode: number, payload: Buffer) => void, head: Buffer = Buffer.alloc(0)): void {
  let pending = head;
  const drain = (): void => {
    for (;;) {
      if (pending.length < 2) return;
      const opcode = (pending[0] as number) & 0x0f;
      const masked = ((pending[1] as number) & 0x80) !== 0;
      let length = (pending[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (pending.length < offset + length) return;
      let payload = pending.subarray(offset, offset + length);
      if (masked) {
        const mask = pending.subarray(maskOffset, maskOffset + 4);
        payload = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] as number)));
      }
      pending = pending.subarray(offset + length);
      onFrame(opcode, payload);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    drain();
  });
  drain();
}
