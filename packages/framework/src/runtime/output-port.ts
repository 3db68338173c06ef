import type { OutputStream } from '../calculator/contract.js';
import type { PortType } from '../calculator/port-type.js';
import { R } from '../errors/runtime-codes.js';
import { Packet } from '../packet/packet.js';
import { Timestamp } from '../timestamp/timestamp.js';
import { prePostStreamProblem } from './pre-post-stream.js';
import { RunError, TimestampOrderError } from './run-errors.js';
import type { FailedNode, RunHost } from './run-host.js';
import { checkValue } from './type-check.js';

const fmt = Timestamp.format;

/** The node an output port belongs to (NodeContext), as the port needs it. */
export interface PortOwner extends FailedNode {
  /** Timestamp used by `add(value)` without a timestamp. */
  defaultOutputTimestamp(port: OutputPort): Timestamp;
}

/**
 * A node's output stream within one run. Enforces strictly increasing timestamps at the producer
 * (the error names node, calculator and port) and forwards packets and bounds to the consumers.
 */
export class OutputPort implements OutputStream {
  nextTimestampBound: Timestamp = Timestamp.Unstarted;
  isClosed = false;
  /** Packets added so far (the node's `packetsOut` is the sum over its ports). */
  packetsOut = 0;
  /** Timestamp of the last packet added (undefined before the first): for the PreStream/PostStream rule. */
  #last: Timestamp | undefined;

  constructor(
    readonly node: PortOwner,
    readonly run: RunHost,
    readonly stream: number,
    readonly label: string,
    readonly type: PortType | undefined,
  ) {}

  add(value: unknown, timestamp?: Timestamp): void {
    this.addPacket(new Packet(value, timestamp ?? this.node.defaultOutputTimestamp(this)));
  }

  addPacket(packet: Packet): void {
    const ts = packet.timestamp;
    // Any packet after a PreStream/PostStream one is below the bound (OneOverPostStream), so only a
    // PostStream packet needs its own test here; #reject tells the cases apart.
    if (
      this.isClosed ||
      ts < this.nextTimestampBound ||
      !Timestamp.isAllowedInStream(ts) ||
      (ts === Timestamp.PostStream && this.#last !== undefined)
    ) {
      this.#reject(ts);
    }
    const run = this.run;
    if (run.checkTypes && this.type !== undefined) this.#checkType(packet);
    this.#last = ts;
    this.nextTimestampBound = Timestamp.nextAllowedInStream(ts);
    this.packetsOut++;
    run.deliver(this.stream, packet, this.nextTimestampBound);
    run.wake();
  }

  setNextTimestampBound(bound: Timestamp): void {
    // A bound below the current one is no news; after close there is nothing left to promise.
    if (this.isClosed || bound <= this.nextTimestampBound) return;
    this.nextTimestampBound = bound;
    this.#propagate(bound);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.nextTimestampBound = Timestamp.Done;
    this.#propagate(Timestamp.Done);
  }

  /** Raises the bound without the calculator asking (timestamp offset propagation). */
  raiseBound(bound: Timestamp): void {
    if (this.isClosed || bound <= this.nextTimestampBound) return;
    this.nextTimestampBound = bound;
    this.run.propagateBound(this.stream, bound);
  }

  #propagate(bound: Timestamp): void {
    this.run.propagateBound(this.stream, bound);
    this.run.wake();
  }

  #checkType(packet: Packet): void {
    const why = checkValue(this.type!, packet.value);
    if (why === undefined) return;
    const error = new RunError(
      R.PACKET_TYPE,
      `node "${this.node.nodeName}" (${this.node.calculatorName}) output "${this.label}": packet at ${fmt(packet.timestamp)} must be ${this.type!.name}: ${why}`,
    );
    this.run.failNode(this.node, error);
    throw error;
  }

  #reject(ts: Timestamp): never {
    const where = `node "${this.node.nodeName}" (${this.node.calculatorName}) output "${this.label}"`;
    let error: RunError;
    const alone = Timestamp.isAllowedInStream(ts) ? prePostStreamProblem(ts, this.#last) : undefined;
    if (this.isClosed) {
      error = new RunError(
        R.OUTPUT_CLOSED,
        `${where}: packet at ${fmt(ts)} added after the stream was closed; add packets before close()`,
      );
    } else if (!Timestamp.isAllowedInStream(ts)) {
      error = new RunError(
        R.TIMESTAMP_INVALID,
        `${where}: ${fmt(ts)} is not a timestamp a packet may carry; use an integer in [Timestamp.Min, Timestamp.Max] (or PreStream/PostStream)`,
      );
    } else if (alone !== undefined) {
      error = new RunError(R.PRE_POST_STREAM_PACKET, `${where}: ${alone}`);
    } else {
      error = new TimestampOrderError(
        R.TIMESTAMP_NOT_INCREASING,
        `${where}: packet at ${fmt(ts)} is below the stream's next timestamp bound ${fmt(this.nextTimestampBound)}; timestamps on a stream must strictly increase`,
      );
    }
    // Fail the run even if the calculator catches the throw: the stream's contract is broken.
    this.run.failNode(this.node, error);
    throw error;
  }
}
