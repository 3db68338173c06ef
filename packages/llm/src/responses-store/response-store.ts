import type { ResponsesInputItem } from '../openai/responses-schema.js';
import { withItemIds } from './input-items.js';

/** A stored response: the object as answered, and the conversation that led to it. */
export interface StoredResponse {
  /** The response object exactly as the client received it (`GET /responses/{id}` returns it). */
  readonly response: { readonly id: string; readonly output: readonly object[] };
  /**
   * The request's input after expansion: the `previous_response_id` chain first, `item_reference`s
   * replaced by their items, a string input as one user message. `instructions` are not part of it.
   * Stored with an id on every item (`withItemIds`), as `GET /responses/{id}/input_items` lists them.
   */
  readonly input: readonly ResponsesInputItem[];
}

export interface ResponseStoreOptions {
  /** Responses kept at most; the least recently used one goes first. */
  readonly maxResponses: number;
  /** How long a response is kept after it was created, ms. */
  readonly ttlMs: number;
  /** The clock, ms (tests pass a fake one). */
  readonly now?: () => number;
}

interface Entry {
  readonly record: StoredResponse;
  readonly expiresAt: number;
}

/**
 * The responses of one served graph, in memory, for `previous_response_id`, `item_reference` input
 * items and `GET`/`DELETE /responses/{id}`. Bounded by a number of responses (LRU: reading one makes
 * it the most recent) and by a time to live counted from creation. Each record holds its whole
 * conversation (its chain already expanded), so a chain stays usable when older links are evicted;
 * a record is at most one context window of text, so memory is bounded by `maxResponses` × that.
 */
export class ResponseStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(private readonly options: ResponseStoreOptions) {
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    this.#sweep();
    return this.#entries.size;
  }

  put(response: StoredResponse): void {
    this.#sweep();
    const record = { response: response.response, input: withItemIds(response.input) };
    this.#entries.delete(record.response.id);
    this.#entries.set(record.response.id, { record, expiresAt: this.#now() + this.options.ttlMs });
    while (this.#entries.size > this.options.maxResponses) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** The stored response (now the most recently used), or undefined when unknown or expired. */
  get(id: string): StoredResponse | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    if (entry.expiresAt <= this.#now()) return undefined;
    this.#entries.set(id, entry);
    return entry.record;
  }

  delete(id: string): boolean {
    const entry = this.#entries.get(id);
    this.#entries.delete(id);
    return entry !== undefined && entry.expiresAt > this.#now();
  }

  /** The conversation a follow-up continues: the response's input then its output items. */
  conversation(id: string): ResponsesInputItem[] | undefined {
    const record = this.get(id);
    return record && [...record.input, ...(record.response.output as ResponsesInputItem[])];
  }

  /**
   * The item with this id: an output item of a stored response, or an input item that carried an id.
   * Scans the newest responses first; at most `maxResponses` records, each one conversation.
   */
  item(id: string): ResponsesInputItem | undefined {
    const now = this.#now();
    for (const { record, expiresAt } of [...this.#entries.values()].reverse()) {
      if (expiresAt <= now) continue;
      const found =
        (record.response.output as ResponsesInputItem[]).find((i) => i.id === id) ??
        record.input.find((i) => i.id === id);
      if (found) return found;
    }
    return undefined;
  }

  // Expired entries anywhere in the LRU order (TTL counts from creation, not from use).
  #sweep(): void {
    const now = this.#now();
    for (const [id, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(id);
  }
}
