import { Timestamp } from '../timestamp/timestamp.js';

/** An immutable payload at a timestamp. Payloads are shared, never copied: do not mutate them. */
export class Packet<T = unknown> {
  constructor(
    readonly value: T,
    readonly timestamp: Timestamp,
  ) {}

  /** The same payload at another timestamp (MediaPipe `packet.At(ts)`). */
  at(timestamp: Timestamp): Packet<T> {
    return new Packet(this.value, timestamp);
  }

  toString(): string {
    return `Packet(${Timestamp.format(this.timestamp)})`;
  }
}
