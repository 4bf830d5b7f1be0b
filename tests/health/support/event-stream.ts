export interface StreamedEvent {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

export interface EventStream {
  status: number;
  /** Every event received so far, in order. */
  events: StreamedEvent[];
  /** How many comment lines (keep-alives) arrived. */
  comments(): number;
  /** The first event (already received or still to come) that matches; throws after about five seconds. */
  waitFor(match: (event: StreamedEvent) => boolean, what: string): Promise<StreamedEvent>;
  /** Settles when the registry ends the stream (or close() aborts it). */
  ended: Promise<void>;
  close(): void;
}

/** Subscribes to GET /api/events with a real HTTP client and parses the Server-Sent Events as they come. */
export async function openEventStream(registryUrl: string, token: string, lastEventId?: string): Promise<EventStream> {
  return openEventStreamWith(registryUrl, `Bearer ${token}`, lastEventId);
}

async function openEventStreamWith(registryUrl: string, authorization: string, lastEventId?: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${registryUrl}/api/events`, {
    headers: { authorization, accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) },
    signal: controller.signal,
  });
  const events: StreamedEvent[] = [];
  let comments = 0;
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseBlock(block);
          if (parsed === 'comment') comments += 1;
          else if (parsed !== undefined) events.push(parsed);
          end = buffer.indexOf('\n\n');
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: response.status,
    events,
    ended,
    comments: () => comments,
    waitFor: (match, what) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(match);
          if (found === undefined) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out waiting for ${what}; got ${events.map((event) => event.event).join(', ')}`));
        }, 5000);
        waiters.add(wake);
        check();
      }),
    close: () => controller.abort(),
  };
}

function parseBlock(block: string): StreamedEvent | 'comment' | undefined {
  const lines = block.split('\n');
  if (lines.every((line) => line.startsWith(':'))) return 'comment';
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length === 0 ? undefined : { id, event, data: JSON.parse(data.join('\n')) as Record<string, unknown> };
}
