import type { Packet } from '../packet/packet.js';

/** FIFO of packets; an array plus a head index, reset whenever it empties (the common case). */
export class PacketQueue {
  #items: (Packet | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(packet: Packet): void {
    this.#items.push(packet);
  }

  /** Timestamp of the first packet; only call when `size > 0`. */
  headTimestamp(): number {
    return this.#items[this.#head]!.timestamp;
  }

  shift(): Packet {
    const items = this.#items;
    const packet = items[this.#head]!;
    if (++this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else {
      items[this.#head - 1] = undefined;
      if (this.#head > 1024 && this.#head * 2 > items.length) {
        this.#items = items.slice(this.#head);
        this.#head = 0;
      }
    }
    return packet;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
