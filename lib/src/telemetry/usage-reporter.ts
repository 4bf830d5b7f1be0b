import { INTERNAL_TOKEN_HEADER } from '../internal/internal-token.js';
import type { Logger } from '../logging/logger.js';
import { MAX_USAGE_BATCH, USAGE_INGEST_PATH, type UsageRecord } from './usage-contract.js';

export interface UsageReporterOptions {
  registryUrl: string;
  internalToken: string;
  logger: Logger;
  /** Most records waiting; past it new records are dropped and counted. */
  maxQueue?: number;
  /** How often waiting records are sent. */
  flushIntervalMs?: number;
  /** Told how many records were dropped (queue full, or the registry refused or was unreachable). */
  onDropped?: (count: number) => void;
}

export interface UsageReporter {
  /** Queues a record; never waits and never throws. */
  report(record: UsageRecord): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  /** Sends what is left and stops. */
  close(): Promise<void>;
}

export const USAGE_REPORTER_DEFAULTS = { maxQueue: 10_000, flushIntervalMs: 2000, sendTimeoutMs: 5000 } as const;

/**
 * Sends usage records to the registry in batches, off the request path: report() appends to a bounded
 * queue, a timer sends it. When the queue is full, or a batch cannot be delivered, the records are
 * dropped (not retried, so that a registry outage never grows memory) and the drop is counted.
 */
export function createUsageReporter(options: UsageReporterOptions): UsageReporter {
  const maxQueue = options.maxQueue ?? USAGE_REPORTER_DEFAULTS.maxQueue;
  const url = `${options.registryUrl.replace(/\/+$/, '')}${USAGE_INGEST_PATH}`;
  let queue: UsageRecord[] = [];
  let droppedSinceSent = 0;
  let sending: Promise<void> = Promise.resolve();
  const drop = (count: number): void => {
    droppedSinceSent += count;
    options.onDropped?.(count);
  };

  const sendBatch = async (records: UsageRecord[]): Promise<void> => {
    const dropped = droppedSinceSent;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: options.internalToken },
        body: JSON.stringify({ records, dropped }),
        signal: AbortSignal.timeout(USAGE_REPORTER_DEFAULTS.sendTimeoutMs),
      });
      await response.arrayBuffer();
      if (response.status >= 300) throw new Error(`the registry answered ${response.status}`);
      droppedSinceSent -= dropped;
    } catch (error) {
      options.logger.warn({ err: error, records: records.length }, 'usage records could not be sent to the registry; they are dropped');
      drop(records.length);
    }
  };
  const flush = (): Promise<void> => {
    sending = sending.then(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_USAGE_BATCH);
        queue = queue.slice(batch.length);
        await sendBatch(batch);
      }
    });
    return sending;
  };
  const timer = setInterval(() => {
    if (queue.length > 0) void flush();
  }, options.flushIntervalMs ?? USAGE_REPORTER_DEFAULTS.flushIntervalMs);
  timer.unref();

  return {
    report(record) {
      if (queue.length >= maxQueue) {
        drop(1);
        return;
      }
      queue.push(record);
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
