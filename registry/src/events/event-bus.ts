import { randomBytes } from 'node:crypto';
import type { UiAction } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { Visibility } from '../store/server-repository.js';

/**
 * Who may receive an event. Events carry their audience, not a callback, so that any part of the
 * registry (servers, health, scopes, and later agents and federation peers) publishes the same way
 * and the stream decides per subscriber.
 */
export type EventAudience =
  /** Those who may list the server and see it (its visibility at the time of the event). */
  | { kind: 'server'; path: string; visibility: Visibility; allowedGroups: readonly string[] }
  /** Those granted a UI action, on a path when given (e.g. view_scopes; list_agents on an agent path). */
  | { kind: 'action'; action: UiAction; path?: string };

export interface NewRegistryEvent {
  /** `server.registered`, `server.health`, `scopes.updated`, … */
  type: string;
  audience: EventAudience;
  data: Record<string, unknown>;
}

export interface RegistryEvent extends NewRegistryEvent {
  /** `<epoch>.<sequence>`: unique per registry process, increasing within it. */
  id: string;
  /** ISO 8601. */
  time: string;
}

export type EventListener = (event: RegistryEvent) => void;

export const DEFAULT_EVENT_BUFFER_SIZE = 1000;

/**
 * The registry's in-process event bus: publish() numbers an event and hands it to every subscriber;
 * the newest events are kept in a bounded buffer so that a reconnecting subscriber resumes after
 * the last event it saw (SSE Last-Event-ID). Each replica has its own bus and sequence.
 */
export class EventBus {
  readonly #epoch = randomBytes(4).toString('hex');
  readonly #buffer: RegistryEvent[] = [];
  readonly #listeners = new Set<EventListener>();
  readonly #closeHandlers = new Set<() => void>();
  readonly #capacity: number;
  readonly #clock: () => Date;
  #sequence = 0;

  constructor(options: { capacity?: number; clock?: () => Date } = {}) {
    this.#capacity = options.capacity ?? DEFAULT_EVENT_BUFFER_SIZE;
    this.#clock = options.clock ?? (() => new Date());
  }

  publish(event: NewRegistryEvent): RegistryEvent {
    this.#sequence += 1;
    const published: RegistryEvent = { ...event, id: `${this.#epoch}.${this.#sequence}`, time: this.#clock().toISOString() };
    this.#buffer.push(published);
    if (this.#buffer.length > this.#capacity) this.#buffer.shift();
    for (const listener of this.#listeners) {
      try {
        listener(published);
      } catch {
        // One broken subscriber must not keep the event from the others.
      }
    }
    return published;
  }

  /**
   * Calls `listener` with every event published from now on, and `onClose` when the bus closes;
   * returns the unsubscribe function.
   */
  subscribe(listener: EventListener, onClose?: () => void): () => void {
    this.#listeners.add(listener);
    if (onClose) this.#closeHandlers.add(onClose);
    return () => {
      this.#listeners.delete(listener);
      if (onClose) this.#closeHandlers.delete(onClose);
    };
  }

  /** Ends every subscription (the registry is stopping): streams end rather than hold the shutdown. */
  close(): void {
    const handlers = [...this.#closeHandlers];
    this.#listeners.clear();
    this.#closeHandlers.clear();
    for (const handler of handlers) handler();
  }

  /**
   * The kept events after `lastId`, oldest first; undefined when they cannot be told (an id of
   * another process, or older than the buffer): the subscriber missed events and must read afresh.
   */
  after(lastId: string): RegistryEvent[] | undefined {
    const [epoch, sequenceText] = lastId.split('.');
    const sequence = Number(sequenceText);
    if (epoch !== this.#epoch || !Number.isInteger(sequence) || sequence < 0 || sequence > this.#sequence) return undefined;
    const oldest = this.#buffer[0];
    const firstKept = oldest === undefined ? this.#sequence + 1 : Number(oldest.id.split('.')[1]);
    if (sequence < firstKept - 1) return undefined;
    return this.#buffer.filter((event) => Number(event.id.split('.')[1]) > sequence);
  }

  get subscriberCount(): number {
    return this.#listeners.size;
  }
}
