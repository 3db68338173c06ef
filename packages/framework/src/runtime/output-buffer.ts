import type { Packet } from '../packet/packet.js';

type Waiter = () => void;

/**
 * The packets of one graph output stream. Unbounded (the default), it keeps every packet from the
 * start of the run so that a consumer that subscribes late still sees everything, and each
 * `iterate()` call gets its own cursor. Bounded (`limit`), it is a queue: a packet read is dropped,
 * and `onFull(true)` / `onFull(false)` report when `limit` packets are waiting unread and when
 * the reader has caught up, so the run can stop producing for a consumer that does not read.
 */
export class OutputBuffer {
  readonly packets: Packet[] = [];
  #ended = false;
  #error: unknown;
  #waiters: Waiter[] = [];

  constructor(
    private readonly limit?: number,
    private readonly onFull?: (full: boolean) => void,
  ) {}

  push(packet: Packet): void {
    this.packets.push(packet);
    if (this.packets.length === this.limit) this.onFull?.(true);
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

  /** Bounded mode: the oldest unread packet, dropped from the buffer. */
  #take(): Packet | undefined {
    if (this.packets.length === 0) return undefined;
    const packet = this.packets.shift();
    if (this.packets.length === this.limit! - 1) this.onFull?.(false);
    return packet;
  }

  iterate<T>(): AsyncIterable<Packet<T>> {
    const bounded = this.limit !== undefined;
    return {
      [Symbol.asyncIterator]: () => {
        let cursor = 0;
        let stopped = false;
        const next = (): Promise<IteratorResult<Packet<T>>> => {
          const packet = stopped
            ? undefined
            : bounded
              ? this.#take()
              : cursor < this.packets.length
                ? this.packets[cursor++]
                : undefined;
          if (packet !== undefined) return Promise.resolve({ value: packet as Packet<T>, done: false });
          if (this.#ended || stopped) {
            return this.#error === undefined || stopped
              ? Promise.resolve({ value: undefined, done: true })
              : Promise.reject(this.#error);
          }
          return new Promise<void>((resolve) => this.#waiters.push(resolve)).then(next);
        };
        return {
          next,
          return: () => {
            stopped = true;
            return Promise.resolve({ value: undefined, done: true });
          },
        };
      },
    };
  }
}
