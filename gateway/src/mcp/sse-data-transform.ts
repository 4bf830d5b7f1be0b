import { Transform, type TransformCallback } from 'node:stream';

/**
 * Decides on one event's data: the replacement data, or undefined to pass the event unchanged.
 * `event` is the event's `event:` field when it had one.
 */
export type SseDataRewrite = (data: string, event: string | undefined) => string | undefined;

/** An event's held data may not grow past this; a stream that tries is cut. */
export const MAX_SSE_EVENT_BYTES = 32 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Streams a text/event-stream through unchanged except for the `data:` lines of events that
 * `rewrite` replaces. Lines other than `data:` go out as they arrive; an event's `data:` lines are
 * held until the blank line that dispatches the event, the moment a client would act on them anyway.
 */
export function createSseDataTransform(rewrite: SseDataRewrite): Transform {
  let pending: Buffer = Buffer.alloc(0);
  let heldLines: Buffer[] = [];
  let dataParts: string[] = [];
  let eventName: string | undefined;
  let heldBytes = 0;

  const dispatch = (out: Buffer[]): void => {
    if (heldLines.length > 0) {
      const replacement = rewrite(dataParts.join('\n'), eventName);
      if (replacement === undefined) out.push(...heldLines);
      else {
        const ending = lineEnding(heldLines[0] as Buffer);
        out.push(Buffer.from(replacement.split('\n').map((line) => `data: ${line}${ending}`).join(''), 'utf8'));
      }
    }
    heldLines = [];
    dataParts = [];
    heldBytes = 0;
    eventName = undefined;
  };

  const takeLine = (line: Buffer, contentEnd: number, out: Buffer[]): void => {
    if (contentEnd === 0) {
      dispatch(out);
      out.push(line);
      return;
    }
    const content = line.toString('utf8', 0, contentEnd);
    const colon = content.indexOf(':');
    const field = colon === -1 ? content : content.slice(0, colon);
    let value = colon === -1 ? '' : content.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      heldLines.push(line);
      heldBytes += line.length;
      dataParts.push(value);
      return;
    }
    if (field === 'event') eventName = value;
    out.push(line);
  };

  /** Splits complete lines off `buffer` (LF, CRLF or CR endings), leaving any partial line pending. */
  const consume = (buffer: Buffer, final: boolean, out: Buffer[]): void => {
    let start = 0;
    let index = 0;
    while (index < buffer.length) {
      const byte = buffer[index];
      if (byte !== LF && byte !== CR) {
        index += 1;
        continue;
      }
      let end = index + 1;
      if (byte === CR) {
        if (index + 1 === buffer.length && !final) break;
        if (buffer[index + 1] === LF) end = index + 2;
      }
      takeLine(buffer.subarray(start, end), index - start, out);
      start = end;
      index = end;
    }
    pending = buffer.subarray(start);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const out: Buffer[] = [];
      consume(pending.length === 0 ? chunk : Buffer.concat([pending, chunk]), false, out);
      if (pending.length + heldBytes > MAX_SSE_EVENT_BYTES) {
        callback(new Error(`an event-stream event is larger than ${MAX_SSE_EVENT_BYTES} bytes`));
        return;
      }
      callback(null, out.length === 0 ? undefined : Buffer.concat(out));
    },
    flush(callback: TransformCallback) {
      const out: Buffer[] = [];
      if (pending.length > 0) consume(pending, true, out);
      out.push(...heldLines, pending);
      callback(null, out.length === 0 ? undefined : Buffer.concat(out));
    },
  });
}

function lineEnding(line: Buffer): string {
  if (line[line.length - 1] === CR) return '\r';
  return line[line.length - 2] === CR ? '\r\n' : '\n';
}
