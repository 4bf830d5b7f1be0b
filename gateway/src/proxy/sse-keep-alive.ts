import { Transform, type TransformCallback } from 'node:stream';

/** What an idle event stream gets: a comment line and a blank line, which no client acts on. */
export const SSE_KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

/**
 * Passes a text/event-stream through byte for byte and, at every `intervalMs` tick during which
 * nothing came, writes a `: keep-alive` comment, so that idle time-outs on the way (load balancers,
 * the client's own) never cut a healthy stream. A comment only goes out between events, never inside
 * one, and carries no `id:`, so event ids and the client's Last-Event-ID are untouched.
 */
export function createSseKeepAlive(intervalMs: number): Transform {
  let lineLength = 0;
  let commentLine = false;
  let eventOpen = false;
  let afterCr = false;
  let active = false;
  let done = false;

  const scan = (chunk: Buffer): void => {
    for (const byte of chunk) {
      if (byte === LF && afterCr) {
        afterCr = false;
        continue;
      }
      afterCr = byte === CR;
      if (byte === LF || byte === CR) {
        if (lineLength === 0) eventOpen = false;
        else if (!commentLine) eventOpen = true;
        lineLength = 0;
        continue;
      }
      if (lineLength === 0) commentLine = byte === COLON;
      lineLength += 1;
    }
  };

  const stop = (): void => {
    done = true;
    clearInterval(timer);
  };

  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      active = true;
      scan(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      stop();
      callback();
    },
    destroy(error: Error | null, callback: (error: Error | null) => void) {
      stop();
      callback(error);
    },
  });

  const timer = setInterval(() => {
    if (done) return;
    const idle = !active;
    active = false;
    if (idle && lineLength === 0 && !eventOpen && stream.readableLength === 0) stream.push(SSE_KEEP_ALIVE);
  }, intervalMs);
  timer.unref();
  return stream;
}
