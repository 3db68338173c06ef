import type { Packet } from '../packet/packet.js';

type Waiter = () => void;

/**
 * The packets of one graph output stream, kept from the start of the run so that a consumer that
 * subscribes late still sees everything. Each `iterate()` call gets its own cursor.
 */
export class OutputBuffer {
  readonly packets: Packet[] = [];
  #ended = false;
  #error: unknown;
  #waiters: Waiter[] = [];

  push(packet: Packet): void {
    this.packets.push(packet);
    if (this.#waiters.length > 0) this.#wake();
  }

  /** No more packets; `error` (when given) is thrown by iterators once they reach the end. */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#wake();
  }

  get ended(): boolean {
    return this.#ended;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  iterate<T>(): AsyncIterable<Packet<T>> {
    return {
      [Symbol.asyncIterator]: () => {
        let cursor = 0;
        const next = (): Promise<IteratorResult<Packet<T>>> => {
          if (cursor < this.packets.length) {
            return Promise.resolve({ value: this.packets[cursor++] as Packet<T>, done: false });
          }
          if (this.#ended) {
            return this.#error === undefined
              ? Promise.resolve({ value: undefined, done: true })
              : Promise.reject(this.#error);
          }
          return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(next);
        };
        return {
          next,
          return: () => {
            cursor = Number.POSITIVE_INFINITY;
            return Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }
}
