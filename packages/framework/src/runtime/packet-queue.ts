import type { Packet } from '../packet/packet.js';

/**
 * FIFO of packets: an array used as a ring-free queue whose head and tail rewind to 0 whenever it
 * empties (the common case in a flowing graph), so the array is never resized on the hot path.
 */
export class PacketQueue {
  #items: (Packet | undefined)[] = [];
  #head = 0;
  #tail = 0;

  get size(): number {
    return this.#tail - this.#head;
  }

  push(packet: Packet): void {
    this.#items[this.#tail++] = packet;
  }

  /** Timestamp of the first packet; only call when `size > 0`. */
  headTimestamp(): number {
    return this.#items[this.#head]!.timestamp;
  }

  shift(): Packet {
    const items = this.#items;
    const packet = items[this.#head]!;
    items[this.#head++] = undefined;
    if (this.#head === this.#tail) {
      this.#head = 0;
      this.#tail = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#tail) {
      // A queue that never empties would grow forever: move the live part to the front.
      this.#items = items.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return packet;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#tail = 0;
  }
}
